// webhook_storm: thousands of real subscription lifecycles through the Stripe stand-in, delivered
// with chaos (duplicates, reordering) to the API in workerd at a fixed concurrency. Throughput and
// latency from the stand-in's delivery log; then every user's entitlement is checked against what
// the stand-in's final subscriptions imply.

import type { DeliveryAttempt } from "@gatehouse/sandbox";
import type Stripe from "stripe";
import { routeEvent } from "../../../apps/api/src/services/event-routing.ts";
import { apiCeiling } from "../api-ceiling.ts";
import { compareEntitlements, customerIdOf, entitlementsByProduct } from "../expected-entitlement.ts";
import { atLeast, atMost, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";
import { control, deliverySummary, lastAttempts, waitForIdle } from "../stand-in-controls.ts";
import { percentile, round } from "../stats.ts";
import { finalStatuses, wrongStatuses } from "../status-check.ts";
import { driveLifecycles, type StormCustomer } from "../storm-driver.ts";

/** What later scenarios replay: the deliveries in order (duplicates included) and the final state. */
export interface StormCapture {
  delivered: DeliveryAttempt[];
  events: Map<string, Stripe.Event>;
  subsByCustomer: Map<string, Stripe.Subscription[]>;
  products: Map<string, string | null>;
  customers: StormCustomer[];
  eventsPerSecond: number | null;
  wallMs: number;
  /** Our mirror (public.subscriptions) against the stand-in, right after the storm. */
  oursStatuses: { wrong: number; missing: number };
}

const CHAOS = { duplicateRate: 0.2, reorderWindowMs: 2000, failFirstAttemptRate: 0, dropRate: 0 };

async function loadEvents(ctx: BenchContext, ids: string[]): Promise<Map<string, Stripe.Event>> {
  const { rows } = await ctx.db.query<{ data: string }>(
    "select data from stripe_sandbox.objects where kind = 'event' and id = any($1::text[])",
    [ids],
  );
  const events = new Map<string, Stripe.Event>();
  for (const r of rows) {
    const e = JSON.parse(r.data) as Stripe.Event;
    events.set(e.id, e);
  }
  return events;
}

export async function webhookStorm(ctx: BenchContext): Promise<{ result: ScenarioResult; capture: StormCapture }> {
  const started = performance.now();
  const { stack, stripe, sizes } = ctx;
  const stripeUrl = stack.urls.stripeDirect;
  const problems: string[] = [];
  const notes: string[] = [];
  await waitForIdle(stripeUrl, 60_000);
  const ceiling = await apiCeiling(stack.urls.api, 200, sizes.deliveryConcurrency);
  const before = await deliverySummary(stripeUrl);
  await control(stripeUrl, "/_sandbox/chaos", CHAOS);
  // Deliveries wait while the lifecycles are generated, then drain at the endpoint's concurrency:
  // the throughput measured is the API's, not the driver's.
  await control(stripeUrl, "/_sandbox/webhooks/pause", {});
  const driveStart = performance.now();
  let drive: Awaited<ReturnType<typeof driveLifecycles>>;
  try {
    drive = await driveLifecycles({
      db: ctx.db,
      stripe,
      stripeUrl,
      prices: stack.prices,
      appUrl: stack.urls.web,
      customers: sizes.stormCustomers,
      concurrency: 16,
      tag: Date.now().toString(36),
    });
  } finally {
    await control(stripeUrl, "/_sandbox/webhooks/resume", {});
  }
  const driveMs = performance.now() - driveStart;
  ctx.log(`webhook_storm: ${drive.customers.length} lifecycles generated in ${Math.round(driveMs)} ms, draining`);
  const drainStart = performance.now();
  const idle = await waitForIdle(stripeUrl, 1_800_000);
  const drainMs = performance.now() - drainStart;
  await control(stripeUrl, "/_sandbox/chaos", { duplicateRate: 0, reorderWindowMs: 0 });
  if (!idle) problems.push("the stand-in still had deliveries pending after 30 minutes");
  const after = await deliverySummary(stripeUrl);
  const attempts = await lastAttempts(stripeUrl, after.attempts - before.attempts);
  const delivered = attempts.filter((a) => a.ok);
  const failedForGood = after.failed - before.failed;
  if (failedForGood > 0) problems.push(`${failedForGood} deliveries failed for good (API kept answering non-2xx)`);
  const non2xx = attempts.filter((a) => !a.ok);
  const first = delivered[0];
  const last = delivered.at(-1);
  const wallMs = first && last ? Date.parse(last.at) - Date.parse(first.at) + first.latency_ms : 0;
  const eventsPerSecond = wallMs > 0 ? delivered.length / (wallMs / 1000) : null;
  const latencies = delivered.map((a) => a.latency_ms);
  const p50 = round(percentile(latencies, 50));
  const p95 = round(percentile(latencies, 95));
  const p99 = round(percentile(latencies, 99));

  // Correctness: the stand-in's final subscriptions vs the entitlements rows.
  const subs: Stripe.Subscription[] = [];
  await stripe.subscriptions.list({ status: "all", limit: 100 }).autoPagingEach((s) => {
    subs.push(s);
  });
  const products = entitlementsByProduct(
    await stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 }),
  );
  const subsByCustomer = new Map<string, Stripe.Subscription[]>();
  for (const s of subs) {
    const c = customerIdOf(s);
    const list = subsByCustomer.get(c) ?? [];
    list.push(s);
    subsByCustomer.set(c, list);
  }
  const cmp = await compareEntitlements(ctx.db, drive.customers, subsByCustomer, products);
  if (cmp.mismatches.length > 0) {
    problems.push(`${cmp.mismatches.length} of ${cmp.checked} entitlements differ from the stand-in's final state`);
    for (const m of cmp.mismatches.slice(0, 5)) problems.push(`mismatch: ${JSON.stringify(m)}`);
  }
  const oursStatuses = await wrongStatuses(
    ctx.db,
    "select id, status from public.subscriptions where id = any($1::text[])",
    finalStatuses(subsByCustomer),
  );
  if (oursStatuses.wrong + oursStatuses.missing > 0)
    problems.push(`public.subscriptions: ${oursStatuses.wrong} in the wrong status, ${oursStatuses.missing} missing`);
  const statuses: Record<string, number> = {};
  for (const s of subs) statuses[s.status] = (statuses[s.status] ?? 0) + 1;

  const uniqueIds = [...new Set(delivered.map((a) => a.event_id))];
  const events = await loadEvents(ctx, uniqueIds);
  const syncs = delivered.filter((a) => {
    const e = events.get(a.event_id);
    return e ? routeEvent(e).kind === "sync_customer" : false;
  }).length;
  const duplicates = delivered.length - uniqueIds.length;
  if (eventsPerSecond !== null && eventsPerSecond < 1000)
    notes.push(
      `Limited by the API's local server before any I/O: GET /api/health (no I/O) through wrangler dev + workerd ` +
        `tops out at ${ceiling.perSecond}/s at concurrency ${sizes.deliveryConcurrency} on this machine ` +
        `(p50 ${ceiling.p50Ms} ms), against ${round(eventsPerSecond)} webhook deliveries/s. Each delivery then adds ` +
        "2–3 PostgREST round trips on the Supabase stand-in (each its own transaction: begin, set_config, call, commit) " +
        "and a subscriptions.list on the Stripe stand-in, both behind fault proxies in one Node process.",
    );
  const result: ScenarioResult = {
    name: "webhook_storm",
    parameters: {
      customers: drive.customers.length,
      deliveryConcurrency: sizes.deliveryConcurrency,
      duplicateRate: CHAOS.duplicateRate,
      reorderWindowMs: CHAOS.reorderWindowMs,
      driverOperations: drive.operations,
      delivery: "backlog: paused while generating, then drained",
    },
    figures: {
      eventsPerSecond: round(eventsPerSecond),
      latencyP50Ms: p50,
      latencyP95Ms: p95,
      latencyP99Ms: p99,
      deliveries2xx: delivered.length,
      uniqueEvents: uniqueIds.length,
      duplicateDeliveries: duplicates,
      syncDeliveries: syncs,
      non2xxAttempts: non2xx.length,
      failedForGood: failedForGood,
      apiHealthCeilingPerSecond: ceiling.perSecond,
      apiHealthP50MsAtConcurrency: ceiling.p50Ms,
      drainWallMs: Math.round(drainMs),
      deliveryWallMs: Math.round(wallMs),
      generateMs: Math.round(driveMs),
      subscriptions: subs.length,
      subscriptionStatuses: JSON.stringify(statuses),
      usersChecked: cmp.checked,
      mismatches: cmp.mismatches.length,
    },
    targets: [
      atLeast("eventsPerSecond", eventsPerSecond, 1000),
      atMost("latencyP99Ms", p99, 100, " ms"),
      atMost("mismatches", cmp.mismatches.length, 0),
    ],
    ok: problems.length === 0,
    problems,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
  return {
    result,
    capture: {
      delivered,
      events,
      subsByCustomer,
      products,
      customers: drive.customers,
      eventsPerSecond,
      wallMs,
      oursStatuses,
    },
  };
}
