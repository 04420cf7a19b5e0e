import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SANDBOX_WEBHOOK_SECRET } from "../keys.ts";
import type { DeliveryAttempt, DeliverySummary } from "./index.ts";
import { checkout, type Harness, makePlan, type Receiver, startHarness, startReceiver } from "./test-support.ts";

// Real Postgres, real HTTP (and a real browser): generous limits on a shared 2-core machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 90_000 });

let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(SANDBOX_WEBHOOK_SECRET);
  h = await startHarness({
    webhook: { url: receiver.url, secret: SANDBOX_WEBHOOK_SECRET },
    retrySchedule: [50, 100, 150],
    deliveryTimeoutMs: 500,
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await receiver?.stop();
});

function objectId(e: Stripe.Event): string {
  const o = e.data.object;
  return "id" in o && typeof o.id === "string" ? o.id : "";
}

async function waitIdle(): Promise<DeliverySummary> {
  const res = await h.control<{ idle: boolean; summary: DeliverySummary }>("/_sandbox/deliveries/wait", {
    timeoutMs: 30_000,
  });
  expect(res.body.idle).toBe(true);
  return res.body.summary;
}

describe("webhook delivery", () => {
  it("delivers real Stripe events signed so that the SDK's constructEventAsync accepts them", async () => {
    const price = await makePlan(h.stripe);
    const { session, subscription } = await checkout(h, price.id);
    await receiver.waitFor((evs) =>
      evs.some((e) => e.type === "checkout.session.completed" && e.data.object.id === session.id),
    );
    await waitIdle();
    expect(receiver.badSignatures).toBe(0);
    const types = new Set(receiver.events.map((e) => e.type));
    for (const t of [
      "product.created",
      "price.created",
      "customer.created",
      "customer.subscription.created",
      "invoice.created",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ])
      expect(types, t).toContain(t);
    const created = receiver.events.find(
      (e): e is Stripe.CustomerSubscriptionCreatedEvent => e.type === "customer.subscription.created",
    );
    expect(created).toMatchObject({ object: "event", api_version: "2026-10-28.endive", livemode: false });
    expect(created?.data.object.id).toBe(subscription.id);
    expect(created?.id.startsWith("evt_")).toBe(true);
    const stored = await h.stripe.events.retrieve(created?.id ?? "");
    expect(stored.type).toBe("customer.subscription.created");
  });

  it("sends updates with previous_attributes", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id);
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await receiver.waitFor((evs) =>
      evs.some((e) => e.type === "customer.subscription.updated" && e.data.object.id === subscription.id),
    );
    const upd = receiver.events.find(
      (e): e is Stripe.CustomerSubscriptionUpdatedEvent =>
        e.type === "customer.subscription.updated" && e.data.object.id === subscription.id,
    );
    expect(upd?.data.object.cancel_at_period_end).toBe(true);
    expect(upd?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });
    expect(upd?.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
  });

  it("honours enabled_events on endpoints registered through the API", async () => {
    const only = await startReceiver("placeholder");
    const ep = await h.stripe.webhookEndpoints.create({ url: only.url, enabled_events: ["customer.created"] });
    const secretReceiver = await startReceiver(ep.secret ?? "");
    await h.stripe.webhookEndpoints.update(ep.id, { url: secretReceiver.url });
    await h.stripe.customers.create({ email: "only@example.com" });
    await h.stripe.products.create({ name: "Ignored" });
    await secretReceiver.waitFor((evs) => evs.length >= 1);
    await waitIdle();
    expect(secretReceiver.events.map((e) => e.type)).toEqual(["customer.created"]);
    expect(secretReceiver.badSignatures).toBe(0);
    await h.stripe.webhookEndpoints.del(ep.id);
    await only.stop();
    await secretReceiver.stop();
  });

  it("retries a failing receiver on the schedule until it recovers, logging every attempt", async () => {
    receiver.script = [500, 503];
    const c = await h.stripe.customers.create({ email: "retry@example.com" });
    await receiver.waitFor((evs) => evs.some((e) => e.type === "customer.created" && objectId(e) === c.id));
    await waitIdle();
    const ev = receiver.events.find((e) => e.type === "customer.created" && objectId(e) === c.id);
    const log = await h.control<{ attempts: DeliveryAttempt[] }>(`/_sandbox/deliveries?event=${ev?.id ?? ""}`);
    expect(log.body.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    expect(log.body.attempts[0]).toMatchObject({ type: "customer.created", ok: false });
    expect(typeof log.body.attempts[2]?.latency_ms).toBe("number");
  });

  it("treats a receiver that does not answer in time as a failure and retries", async () => {
    receiver.script = [0];
    const c = await h.stripe.customers.create({ email: "slow@example.com" });
    await receiver.waitFor((evs) => evs.some((e) => objectId(e) === c.id));
    const ev = receiver.events.find((e) => objectId(e) === c.id);
    const log = await h.control<{ attempts: DeliveryAttempt[] }>(`/_sandbox/deliveries?event=${ev?.id ?? ""}`);
    expect(log.body.attempts[0]).toMatchObject({ attempt: 1, status: null, ok: false });
    expect(log.body.attempts[0]?.error).toContain("timed out");
    expect(log.body.attempts[1]).toMatchObject({ attempt: 2, status: 200, ok: true });
  });

  it("gives up after the last retry and counts the delivery as failed", async () => {
    const before = (await h.control<{ summary: DeliverySummary }>("/_sandbox/deliveries?summary=1")).body.summary;
    receiver.script = [500, 500, 500, 500];
    await h.stripe.customers.create({ email: "doomed@example.com" });
    const after = await waitIdle();
    expect(after.failed).toBe(before.failed + 1);
    expect(receiver.script).toEqual([]);
  });

  it("delivers every event at least once under chaos (duplicates, reordering, failed first attempts)", async () => {
    const chaos = await h.control<{ chaos: Record<string, number> }>("/_sandbox/chaos", {
      duplicateRate: 0.5,
      reorderWindowMs: 150,
      failFirstAttemptRate: 0.5,
    });
    expect(chaos.body.chaos).toMatchObject({ duplicateRate: 0.5, reorderWindowMs: 150, failFirstAttemptRate: 0.5 });
    const earlier = new Set<string>();
    for await (const e of h.stripe.events.list({ limit: 100 })) earlier.add(e.id);
    const price = await makePlan(h.stripe);
    for (let i = 0; i < 5; i++) await checkout(h, price.id, { email: `chaos${i}@example.com` });
    await waitIdle();
    await h.control("/_sandbox/chaos", { duplicateRate: 0, reorderWindowMs: 0, failFirstAttemptRate: 0 });
    const emitted: string[] = [];
    for await (const e of h.stripe.events.list({ limit: 100 })) if (!earlier.has(e.id)) emitted.push(e.id);
    expect(emitted.length).toBeGreaterThan(30);
    const received = new Set(receiver.events.map((e) => e.id));
    expect(emitted.filter((id) => !received.has(id))).toEqual([]);
    const counts = new Map<string, number>();
    for (const e of receiver.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    expect([...counts.values()].some((n) => n > 1)).toBe(true);
    expect(receiver.badSignatures).toBe(0);
  });

  it("resumes pending deliveries after a restart", async () => {
    await h.control("/_sandbox/webhooks/pause", {});
    const c = await h.stripe.customers.create({ email: "across-restart@example.com" });
    await h.restart();
    await receiver.waitFor((evs) => evs.some((e) => objectId(e) === c.id));
    await waitIdle();
    expect(receiver.badSignatures).toBe(0);
  });

  it("holds deliveries while paused and drops them for good with dropRate", async () => {
    await h.control("/_sandbox/webhooks/pause", {});
    const held = (await h.control<{ summary: DeliverySummary }>("/_sandbox/deliveries?summary=1")).body.summary;
    const c = await h.stripe.customers.create({ email: "paused@example.com" });
    // Held, not attempted: the stand-in's own count says so (no waiting for an absence).
    const paused = (await h.control<{ summary: DeliverySummary }>("/_sandbox/deliveries?summary=1")).body.summary;
    expect(paused).toMatchObject({ paused: true, pending: 1, attempts: held.attempts });
    expect(receiver.events.some((e) => objectId(e) === c.id)).toBe(false);
    await h.control("/_sandbox/webhooks/resume", {});
    await receiver.waitFor((evs) => evs.some((e) => objectId(e) === c.id));
    await h.control("/_sandbox/chaos", { dropRate: 1 });
    const before = (await h.control<{ summary: DeliverySummary }>("/_sandbox/deliveries?summary=1")).body.summary;
    await h.stripe.customers.create({ email: "dropped@example.com" });
    const after = await waitIdle();
    expect(after.dropped).toBe(before.dropped + 1);
    await h.control("/_sandbox/chaos", { dropRate: 0 });
  });

  it("paces deliveries at a set rate whatever the endpoint's answers, then goes back to the closed loop", async () => {
    await h.control("/_sandbox/webhooks/pause", {});
    expect((await h.control<{ perSecond: number | null }>("/_sandbox/webhooks/rate", { perSecond: 20 })).body).toEqual({
      perSecond: 20,
    });
    const emails = Array.from({ length: 8 }, (_, i) => `paced-${i}-${Date.now()}@example.com`);
    const ids = new Set<string>();
    for (const email of emails) ids.add((await h.stripe.customers.create({ email })).id);
    await h.control("/_sandbox/webhooks/resume", {});
    await waitIdle();
    const attempts = (await h.control<{ attempts: DeliveryAttempt[] }>("/_sandbox/deliveries?limit=200")).body.attempts;
    const starts = attempts
      .filter((a) => a.type === "customer.created" && a.attempt === 1)
      .filter((a) => receiver.events.some((e) => e.id === a.event_id && ids.has(objectId(e))))
      .map((a) => Date.parse(a.at) - a.latency_ms)
      .sort((x, y) => x - y);
    expect(starts).toHaveLength(8);
    // 8 starts at 20/s: 50 ms apart, of which a late timer may catch up 10 ms (never a burst), so
    // they span at least 7 × 40 ms, less the few ms of the timestamps' rounding (unpaced, all 8
    // start within a few ms). A busy machine only spreads them more.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(7 * (50 - 10) - 10);
    expect(
      (await h.control<{ perSecond: number | null }>("/_sandbox/webhooks/rate", { perSecond: null })).body,
    ).toEqual({
      perSecond: null,
    });
    expect((await h.control("/_sandbox/webhooks/rate", { perSecond: 0 })).status).toBe(400);
  });
});
