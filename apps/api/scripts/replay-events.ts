// `pnpm events:replay [--since 24h|2026-11-01] [--apply]`: the Stripe events the webhook could not
// finish (stripe_events.processed_at is null), as a table; with --apply, re-runs the API's own sync
// once per customer they touch and marks them processed. Events without a customer (catalog
// changes) are fetched again from Stripe and go through the webhook's processEvent. Safe to run
// twice: a second run finds nothing left to do.
import { parseArgs } from "node:util";
import type { Tables } from "@gatehouse/types";
import Stripe from "stripe";
import { callRpc } from "../src/services/call-rpc.ts";
import { processEvent } from "../src/services/process-event.ts";
import { backgroundServices, getServices, type Services } from "../src/services/services.ts";
import { syncCustomer } from "../src/services/sync-customer.ts";
import { loadOpsConfig, runOpsCommand } from "./ops-config.ts";
import { runBounded } from "./run-bounded.ts";

/** The columns of a ledger row (public.stripe_events) the replay reads. */
export type LedgerEvent = Pick<
  Tables<"stripe_events">,
  "id" | "type" | "customer_id" | "attempts" | "last_error" | "received_at"
>;

export interface ReplayOptions {
  /** Only events received at or after this time. */
  since?: Date;
  /** Re-run the sync and mark events processed; without it, only list. */
  apply?: boolean;
  /** At most this many events per run (default 1000). */
  limit?: number;
  /** Customers synced at once (default 4). */
  concurrency?: number;
  /** Called with the events found, before any is replayed. */
  onFound?: (events: readonly LedgerEvent[]) => void;
  log?: (line: string) => void;
}

export interface ReplayReport {
  /** Unprocessed events found. */
  found: number;
  /** Events marked processed by this run. */
  replayed: number;
  /** Events that failed again (their last_error says why). */
  failed: number;
  /** Distinct customers re-synced. */
  customers: number;
  events: LedgerEvent[];
}

const PAGE = 500;

/** The unprocessed events of the ledger, oldest first. */
export async function listUnprocessedEvents(
  s: Services,
  opts: { since?: Date; limit?: number } = {},
): Promise<LedgerEvent[]> {
  const limit = Math.max(1, opts.limit ?? 1000);
  const rows: LedgerEvent[] = [];
  for (let offset = 0; offset < limit; offset += PAGE) {
    let query = s.db
      .from("stripe_events")
      .select("id,type,customer_id,attempts,last_error,received_at")
      .is("processed_at", null);
    if (opts.since) query = query.gte("received_at", opts.since.toISOString());
    const size = Math.min(PAGE, limit - offset);
    const { data, error } = await query
      .order("received_at")
      .order("id")
      .range(offset, offset + size - 1);
    if (error) throw new Error(`reading stripe_events failed: ${error.message}`);
    const page = data ?? [];
    rows.push(...page);
    if (page.length < size) break;
  }
  return rows;
}

/** A fixed-width table of events for the terminal. */
export function formatEventTable(events: readonly LedgerEvent[]): string {
  const header = ["id", "type", "customer", "attempts", "last_error", "received_at"];
  const rows = events.map((e) => [
    e.id,
    e.type,
    e.customer_id ?? "-",
    String(e.attempts),
    oneLine(e.last_error ?? "-", 60),
    e.received_at,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Lists the unprocessed events and, with apply, replays them. */
export async function replayEvents(s: Services, opts: ReplayOptions = {}): Promise<ReplayReport> {
  const log = opts.log ?? (() => undefined);
  const events = await listUnprocessedEvents(s, {
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.limit ? { limit: opts.limit } : {}),
  });
  const report: ReplayReport = { found: events.length, replayed: 0, failed: 0, customers: 0, events };
  opts.onFound?.(events);
  if (!opts.apply || events.length === 0) return report;

  const byCustomer = new Map<string, LedgerEvent[]>();
  const withoutCustomer: LedgerEvent[] = [];
  for (const e of events) {
    if (!e.customer_id) {
      withoutCustomer.push(e);
      continue;
    }
    const list = byCustomer.get(e.customer_id) ?? [];
    list.push(e);
    byCustomer.set(e.customer_id, list);
  }

  await runBounded([...byCustomer], opts.concurrency ?? 4, async ([customer, list]) => {
    try {
      // The sync re-reads the customer's whole state from Stripe, so every event listed for the
      // customer before it started is covered by it.
      const lastId = list.at(-1)?.id;
      const entitlement = await syncCustomer(s, customer, [], {
        cause: "replay",
        actor: "cli:events:replay",
        ...(lastId ? { eventId: lastId } : {}),
      });
      for (const e of list) await callRpc(s.db, "finish_stripe_event", { p_id: e.id });
      report.customers++;
      report.replayed += list.length;
      const state = entitlement
        ? `${entitlement.active ? "active" : "inactive"} (${entitlement.status ?? "no subscription"})`
        : "not a Gatehouse customer";
      log(`synced ${customer}: ${state}; ${list.length} event(s) marked processed`);
    } catch (e) {
      report.failed += list.length;
      log(`failed ${customer}: ${message(e)}`);
      for (const ev of list) {
        await callRpc(s.db, "finish_stripe_event", {
          p_id: ev.id,
          p_error: `replay: ${message(e)}`.slice(0, 500),
        }).catch(() => undefined);
      }
    }
  });

  for (const e of withoutCustomer) {
    try {
      const event = await s.stripe.events.retrieve(e.id);
      const outcome = await processEvent(s, event);
      report.replayed++;
      log(`replayed ${e.id} (${e.type}): ${outcome}`);
    } catch (err) {
      report.failed++;
      const gone = err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing";
      log(
        gone
          ? `failed ${e.id}: Stripe no longer has this event (events are kept 30 days); run stripe:setup to re-sync the catalog`
          : `failed ${e.id}: ${message(err)}`,
      );
    }
  }
  return report;
}

/** `--since`: an ISO date/time, or a duration back from now such as 30m, 24h, 7d. */
export function parseSince(value: string, now = Date.now()): Date {
  const relative = /^(\d+)\s*(m|h|d)$/.exec(value.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "m" | "h" | "d"];
    return new Date(now - Number(relative[1]) * unit);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--since ${value}: use an ISO date (2026-11-01) or 30m, 24h, 7d`);
  return date;
}

const USAGE = `usage: events:replay [--since <date|24h|7d>] [--limit N] [--concurrency N] [--apply]

Lists the Stripe events the webhook could not finish. With --apply, re-syncs each customer they
touch from Stripe (the same sync the webhook runs) and marks the events processed.
Reads STRIPE_SECRET_KEY, SUPABASE_URL, SUPABASE_SECRET_KEY (and STRIPE_API_URL) from the environment.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      since: { type: "string" },
      limit: { type: "string" },
      concurrency: { type: "string" },
      apply: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // Background work: every Stripe call waits for the budget (STRIPE_REQUESTS_PER_SECOND).
  const services = backgroundServices(getServices(loadOpsConfig(process.env)));
  const report = await replayEvents(services, {
    apply: values.apply,
    ...(values.since ? { since: parseSince(values.since) } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    onFound: (events) => {
      if (events.length > 0) console.log(`${formatEventTable(events)}\n`);
    },
    log: (line) => console.log(`[events:replay] ${line}`),
  });
  if (report.found === 0) {
    console.log("No unprocessed Stripe events: nothing to replay.");
    return 0;
  }
  if (!values.apply) {
    console.log(`${report.found} unprocessed event(s). Run again with --apply to replay them.`);
    return 0;
  }
  console.log(
    `Replayed ${report.replayed} of ${report.found} event(s) over ${report.customers} customer(s); ${report.failed} failed.`,
  );
  return report.failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await runOpsCommand("events:replay", main);
