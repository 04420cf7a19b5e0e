// The scheduled job: re-sync, in bounded batches, the customers whose mirror may be stale:
// those with events at Stripe that this ledger never processed (missed or failed webhooks:
// subscriptions, payments, refunds, disputes), and those the database flags (never synced,
// synced long ago, period ended).

import { type EventAction, routeEvent } from "@gatehouse/billing";
import type Stripe from "stripe";
import { callRpc } from "./call-rpc.ts";
import { resolveChargeCustomer } from "./resolve-charge-customer.ts";
import type { Services } from "./services.ts";
import { stripeCall } from "./stripe-errors.ts";
import { syncCustomer } from "./sync-customer.ts";

export interface ReconcileReport {
  eventsScanned: number;
  missedEvents: number;
  checked: number;
  synced: number;
  failed: number;
}

export interface ReconcileOptions {
  batch?: number;
  concurrency?: number;
  staleAfter?: string;
  /** How far back to compare Stripe's events with the ledger (Stripe keeps events 30 days). */
  lookbackSeconds?: number;
  maxEventPages?: number;
}

/**
 * Customers with events in the look-back window that were never processed here. A dispute event
 * names a charge, not a customer: only the missed ones are resolved, through the charge re-read
 * from Stripe (as the webhook's consumer does), so the cron does not read every disputed charge.
 */
async function customersWithMissedEvents(
  s: Services,
  opts: ReconcileOptions,
): Promise<{ scanned: number; missed: number; customers: string[] }> {
  const since = Math.floor(Date.now() / 1000) - (opts.lookbackSeconds ?? 3 * 86_400);
  const relevant = new Map<string, EventAction>(); // event id → what to sync
  let scanned = 0;
  let startingAfter: string | undefined;
  for (let page = 0; page < (opts.maxEventPages ?? 10); page++) {
    const res: Stripe.ApiList<Stripe.Event> = await stripeCall("events.list", () =>
      s.stripe.events.list({
        created: { gte: since },
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      }),
    );
    scanned += res.data.length;
    for (const event of res.data) {
      const action = routeEvent(event);
      if (action.kind === "sync_customer" || action.kind === "sync_customer_of_charge") relevant.set(event.id, action);
    }
    const last = res.data.at(-1);
    if (!res.has_more || !last) break;
    startingAfter = last.id;
  }
  if (relevant.size === 0) return { scanned, missed: 0, customers: [] };
  const missed = await callRpc(s.db, "events_not_processed", { p_ids: [...relevant.keys()] });
  const customers = new Set<string>();
  const charges = new Set<string>();
  for (const id of missed) {
    const action = relevant.get(id);
    if (action?.kind === "sync_customer") customers.add(action.customerId);
    else if (action?.kind === "sync_customer_of_charge") charges.add(action.chargeId);
  }
  for (const chargeId of charges) {
    try {
      const resolved = await resolveChargeCustomer(s, { kind: "sync_customer_of_charge", chargeId });
      if (resolved.kind === "sync_customer") customers.add(resolved.customerId);
    } catch (e) {
      // Stripe failing for one charge must not stop the run: the next run tries again.
      console.error(
        JSON.stringify({ job: "reconcile", charge: chargeId, error: e instanceof Error ? e.message : String(e) }),
      );
    }
  }
  return { scanned, missed: missed.length, customers: [...customers] };
}

export async function reconcile(s: Services, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const fromEvents = await customersWithMissedEvents(s, opts);
  const flagged = await callRpc(s.db, "customers_to_reconcile", {
    p_limit: opts.batch ?? 100,
    p_stale_after: opts.staleAfter ?? "1 day",
  });
  const queue = [...new Set([...fromEvents.customers, ...flagged])].slice(
    0,
    Math.max(opts.batch ?? 100, fromEvents.customers.length),
  );
  const report: ReconcileReport = {
    eventsScanned: fromEvents.scanned,
    missedEvents: fromEvents.missed,
    checked: queue.length,
    synced: 0,
    failed: 0,
  };
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        await syncCustomer(s, id, [], { cause: "cron" });
        report.synced++;
      } catch (e) {
        report.failed++;
        console.error(
          JSON.stringify({ job: "reconcile", customer: id, error: e instanceof Error ? e.message : String(e) }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  return report;
}
