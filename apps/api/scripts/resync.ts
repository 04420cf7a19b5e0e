// `pnpm resync --user <uuid> | --customer <cus_…> | --all`: re-reads customers' subscriptions from
// Stripe and writes them, with the entitlement, through the API's own syncCustomer. Safe to run
// any number of times: a sync writes Stripe's current state, whatever was there before.
import { parseArgs } from "node:util";
import { isUuid, type Tables } from "@gatehouse/types";
import { backgroundServices, getServices, type Services } from "../src/services/services.ts";
import { syncCustomer } from "../src/services/sync-customer.ts";
import { loadOpsConfig, runOpsCommand } from "./ops-config.ts";
import { runBounded } from "./run-bounded.ts";

export type ResyncTarget = { user: string } | { customer: string } | { all: true };

export interface ResyncOptions {
  /** Customers read from the database per page with --all (default 100). */
  batch?: number;
  /** Customers synced at once (default 4). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface ResyncReport {
  /** Customers looked at. */
  checked: number;
  /** Synced and now active. */
  active: number;
  /** Synced and now without access. */
  inactive: number;
  /** Stripe customers that belong to no Gatehouse user. */
  notOurs: number;
  failed: number;
}

const MAX_PAGES = 10_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function describe(row: Tables<"entitlements"> | null): string {
  if (!row) return "not a Gatehouse customer";
  const what = row.active
    ? `active (${row.entitlement ?? "?"}, ${row.status ?? "?"})`
    : `inactive (${row.status ?? "no subscription"})`;
  return `user ${row.user_id}: ${what}`;
}

async function customerOfUser(s: Services, userId: string): Promise<string | null> {
  const { data, error } = await s.db.from("customers").select("stripe_customer_id").eq("user_id", userId).maybeSingle();
  if (error) throw new Error(`reading customers failed: ${error.message}`);
  return data?.stripe_customer_id ?? null;
}

/** One page of bound customers after `after`, in id order (keyset paging: stable while syncing). */
async function customersAfter(s: Services, after: string | null, size: number): Promise<string[]> {
  let query = s.db.from("customers").select("stripe_customer_id");
  if (after) query = query.gt("stripe_customer_id", after);
  const { data, error } = await query.order("stripe_customer_id").limit(size);
  if (error) throw new Error(`reading customers failed: ${error.message}`);
  return (data ?? []).map((r) => r.stripe_customer_id);
}

export async function resync(s: Services, target: ResyncTarget, opts: ResyncOptions = {}): Promise<ResyncReport> {
  const log = opts.log ?? (() => undefined);
  const report: ResyncReport = { checked: 0, active: 0, inactive: 0, notOurs: 0, failed: 0 };
  const syncOne = async (customer: string) => {
    report.checked++;
    try {
      const row = await syncCustomer(s, customer, [], { cause: "admin_resync", actor: "cli:resync" });
      if (!row) report.notOurs++;
      else if (row.active) report.active++;
      else report.inactive++;
      log(`${customer}: ${describe(row)}`);
    } catch (e) {
      report.failed++;
      log(`${customer}: failed: ${message(e)}`);
    }
  };

  if ("user" in target) {
    if (!isUuid(target.user)) throw new Error(`--user ${target.user} is not a user id (uuid)`);
    const customer = await customerOfUser(s, target.user);
    if (!customer) {
      log(`user ${target.user} has no Stripe customer yet (never started a checkout): nothing to sync`);
      return report;
    }
    await syncOne(customer);
    return report;
  }
  if ("customer" in target) {
    if (!/^cus_\w+$/.test(target.customer))
      throw new Error(`--customer ${target.customer} is not a Stripe customer id (cus_…)`);
    await syncOne(target.customer);
    return report;
  }

  const batch = Math.max(1, Math.min(opts.batch ?? 100, 1000));
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const customers: string[] = await customersAfter(s, after, batch);
    await runBounded(customers, opts.concurrency ?? 4, syncOne);
    after = customers.at(-1) ?? null;
    if (customers.length < batch || !after) break;
  }
  return report;
}

const USAGE = `usage: resync (--user <uuid> | --customer <cus_…> | --all) [--batch N] [--concurrency N]

Re-reads subscriptions from Stripe and rewrites the mirror and the entitlement (the sync the
webhook runs). Reads STRIPE_SECRET_KEY, SUPABASE_URL, SUPABASE_SECRET_KEY (and STRIPE_API_URL)
from the environment.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      user: { type: "string" },
      customer: { type: "string" },
      all: { type: "boolean", default: false },
      batch: { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const chosen = [values.user !== undefined, values.customer !== undefined, values.all].filter(Boolean).length;
  if (values.help || chosen !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const target: ResyncTarget =
    values.user !== undefined
      ? { user: values.user }
      : values.customer !== undefined
        ? { customer: values.customer }
        : { all: true };
  // Background work: every Stripe call waits for the budget (STRIPE_REQUESTS_PER_SECOND).
  const services = backgroundServices(getServices(loadOpsConfig(process.env)));
  const started = Date.now();
  const report = await resync(services, target, {
    ...(values.batch ? { batch: Number(values.batch) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    log: (line) => console.log(`[resync] ${line}`),
  });
  console.log(
    `Checked ${report.checked} customer(s) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.active} active, ${report.inactive} inactive, ${report.notOurs} not Gatehouse customers, ${report.failed} failed.`,
  );
  return report.failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await runOpsCommand("resync", main);
