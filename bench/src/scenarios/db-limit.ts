// db_limit: the storm's sync work with no HTTP and no Stripe: one `public.sync_customer` call per
// delivery the API synced (duplicates included, in delivery order), with the subscription list the
// stand-in holds, over a pg pool at the storm's concurrency. The ceiling for webhook_storm.

import { routeEvent } from "@gatehouse/billing";
import pg from "pg";
import { atLeast, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";
import { pool, round } from "../stats.ts";
import type { StormCapture } from "./webhook-storm.ts";

export async function dbLimit(ctx: BenchContext, storm: StormCapture): Promise<ScenarioResult> {
  const started = performance.now();
  const problems: string[] = [];
  const calls: Array<{ customer: string; subs: string; eventId: string }> = [];
  const listJson = new Map<string, string>();
  for (const a of storm.delivered) {
    const event = storm.events.get(a.event_id);
    if (!event) continue;
    const action = routeEvent(event);
    if (action.kind !== "sync_customer") continue;
    let subs = listJson.get(action.customerId);
    if (subs === undefined) {
      subs = JSON.stringify(storm.subsByCustomer.get(action.customerId) ?? []);
      listJson.set(action.customerId, subs);
    }
    calls.push({ customer: action.customerId, subs, eventId: event.id });
  }
  const concurrency = ctx.sizes.deliveryConcurrency;
  const db = new pg.Pool({ connectionString: ctx.stack.urls.postgres, max: concurrency });
  let errors = 0;
  let firstError = "";
  let seconds = 0;
  try {
    // Open the connections first so the timing is of the calls, not of connecting.
    await Promise.all(Array.from({ length: concurrency }, () => db.query("select 1")));
    const t0 = performance.now();
    await pool(calls.length, concurrency, async (i) => {
      const c = calls[i];
      if (!c) return;
      try {
        await db.query("select public.sync_customer($1, $2::jsonb, now(), $3)", [c.customer, c.subs, c.eventId]);
      } catch (e) {
        errors++;
        firstError ||= e instanceof Error ? e.message : String(e);
      }
    });
    seconds = (performance.now() - t0) / 1000;
  } finally {
    await db.end();
  }
  if (errors > 0) problems.push(`${errors} sync_customer calls failed, first: ${firstError}`);
  const callsPerSecond = seconds > 0 ? calls.length / seconds : null;
  const ratio = callsPerSecond && storm.eventsPerSecond !== null ? storm.eventsPerSecond / callsPerSecond : null;
  const syncShare = storm.delivered.length > 0 ? calls.length / storm.delivered.length : null;
  return {
    name: "db_limit",
    parameters: { concurrency, calls: calls.length, customers: listJson.size },
    figures: {
      callsPerSecond: round(callsPerSecond),
      wallMs: Math.round(seconds * 1000),
      webhookStormEventsPerSecond: round(storm.eventsPerSecond),
      ratioStormToDb: round(ratio, 3),
      syncShareOfDeliveries: round(syncShare, 3),
      errors,
    },
    targets: [atLeast("ratioStormToDb", ratio, 0.5)],
    ok: problems.length === 0,
    problems,
    notes: [
      "Calls are the deliveries the API answered with a sync (subscription/invoice/checkout events, duplicates " +
        "included); the storm's other deliveries (customer.*, invoice.created/finalized) only touch the ledger.",
    ],
    durationMs: Math.round(performance.now() - started),
  };
}
