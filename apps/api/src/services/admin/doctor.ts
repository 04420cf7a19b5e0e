// The doctor: compares Stripe with the database for every customer, in the background, paced
// under the Stripe budget (the caller hands background services: every Stripe call waits for the
// pacer), with its progress in public.doctor_runs. With repair, each drifted customer gets a
// normal sync, recorded in the access history with cause doctor.
import type { Tables, TablesUpdate } from "@gatehouse/types";
import { type Drift, doctorRunDriftsSchema, jsonArg } from "@gatehouse/types/db-functions";
import type { AuthUser } from "../../context.ts";
import { ApiError } from "../../errors.ts";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";
import { listAllSubscriptions, syncCustomer, withSchedules } from "../sync-customer.ts";
import { recordAdminAction } from "./record-admin-action.ts";

export type { Drift };

export interface DoctorRun {
  runId: string;
  status: "running" | "done" | "failed";
  repair: boolean;
  /** Checked / total, from 0 to 1. */
  progress: number;
  total: number;
  checked: number;
  drifted: Drift[];
  repaired: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

type RunRow = Tables<"doctor_runs">;

const RUN_STATUSES = ["running", "done", "failed"] as const;
/** doctor_runs.status: its check constraint allows these three only. */
const runStatus = (status: string): DoctorRun["status"] => RUN_STATUSES.find((known) => known === status) ?? "failed";

const PAGE = 100;

function toRun(r: RunRow): DoctorRun {
  return {
    runId: r.id,
    status: runStatus(r.status),
    repair: r.repair,
    progress: r.total > 0 ? Math.min(1, r.checked / r.total) : r.status === "running" ? 0 : 1,
    total: r.total,
    checked: r.checked,
    // jsonb the doctor wrote itself (Drift[] from doctor_compare): checked against that contract.
    drifted: doctorRunDriftsSchema.parse(r.drifted),
    repaired: r.repaired,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
  };
}

async function update(s: Services, id: string, patch: TablesUpdate<"doctor_runs">): Promise<void> {
  const { error } = await s.db.from("doctor_runs").update(patch).eq("id", id);
  if (error) throw new Error(`doctor_runs: ${error.message}`);
}

/** Starts a run; 409 doctor_running (with its id) while another one runs. */
export async function startDoctor(
  s: Services,
  admin: AuthUser,
  repair: boolean,
  background: (work: Promise<unknown>) => void,
  backgroundServices: Services,
): Promise<{ runId: string }> {
  // A run whose isolate died never finishes: after 30 minutes it no longer blocks a new one.
  await s.db
    .from("doctor_runs")
    .update({ status: "failed", finished_at: new Date().toISOString(), error: "abandoned: no progress for 30 minutes" })
    .eq("status", "running")
    .lt("started_at", new Date(Date.now() - 30 * 60_000).toISOString());
  const { count, error: countError } = await s.db.from("customers").select("*", { count: "exact", head: true });
  if (countError) throw new Error(`customers: ${countError.message}`);
  const { data, error } = await s.db
    .from("doctor_runs")
    .insert({ actor: admin.id, repair, total: count ?? 0 })
    .select("id")
    .single();
  if (error) {
    if (error.code === "23505") {
      const running = await s.db.from("doctor_runs").select("id").eq("status", "running").maybeSingle();
      const id = running.data?.id;
      throw new ApiError("doctor_running", `A doctor run is already in progress (${id ?? "?"}): wait for it`, id);
    }
    throw new Error(`doctor_runs: ${error.message}`);
  }
  const runId = data.id;
  await recordAdminAction(s, { actor: admin.id, action: repair ? "doctor_repair" : "doctor", target: runId });
  background(runDoctor(backgroundServices, runId, admin, repair));
  return { runId };
}

export async function runDoctor(s: Services, runId: string, admin: AuthUser, repair: boolean): Promise<void> {
  const drifted: Drift[] = [];
  let checked = 0;
  let repaired = 0;
  try {
    let after: string | null = null;
    for (;;) {
      let query = s.db.from("customers").select("stripe_customer_id");
      if (after) query = query.gt("stripe_customer_id", after);
      const { data, error } = await query.order("stripe_customer_id").limit(PAGE);
      if (error) throw new Error(`customers: ${error.message}`);
      const ids = (data ?? []).map((r) => r.stripe_customer_id);
      for (const customerId of ids) {
        const subs = await withSchedules(s.stripe, await listAllSubscriptions(s.stripe, customerId));
        const drift = await callRpc(s.db, "doctor_compare", {
          p_customer_id: customerId,
          p_subscriptions: jsonArg(subs),
        });
        if (drift && drift.fields.length > 0) {
          drifted.push(drift);
          if (repair) {
            await syncCustomer(s, customerId, [], { cause: "doctor", actor: admin.id });
            repaired++;
          }
        }
        checked++;
        await update(s, runId, { checked, drifted, repaired });
      }
      after = ids.at(-1) ?? null;
      if (ids.length < PAGE || !after) break;
    }
    await update(s, runId, { status: "done", finished_at: new Date().toISOString(), checked, drifted, repaired });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(JSON.stringify({ job: "doctor", runId, error: message }));
    await update(s, runId, {
      status: "failed",
      finished_at: new Date().toISOString(),
      error: message.slice(0, 500),
    }).catch(() => undefined);
  }
}

export async function readDoctorRun(s: Services, runId: string): Promise<DoctorRun> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId)) {
    throw new ApiError("run_not_found", `No doctor run ${runId}`);
  }
  const { data, error } = await s.db.from("doctor_runs").select("*").eq("id", runId).maybeSingle();
  if (error) throw new Error(`doctor_runs: ${error.message}`);
  if (!data) throw new ApiError("run_not_found", `No doctor run ${runId}`);
  return toRun(data);
}
