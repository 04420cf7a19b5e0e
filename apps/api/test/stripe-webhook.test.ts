import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import type Stripe from "stripe";
import { describe, expect, test } from "vitest";
import worker from "../src/index.ts";
import {
  adminSelect,
  advanceClock,
  api,
  deliver,
  entitlementOf,
  eventsFor,
  prices,
  setFault,
  signedWebhook,
  stripe,
  subscribe,
  waitForLedger,
} from "./helpers.ts";
import { event } from "./stripe-objects.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const fakeEvent = (type: string, object: Record<string, unknown>): string => JSON.stringify(event(type, object));

/** What the stand-in's current subscription state says the user should have. */
async function expectedActive(customer: string): Promise<boolean> {
  const subs = await stripe.subscriptions.list({ customer, status: "all", limit: 100 });
  return subs.data.some((s) => s.status === "active" || s.status === "trialing");
}

describe("POST /api/stripe/webhook — signatures", () => {
  const payload = fakeEvent("charge.succeeded", { id: "ch_1" });

  test("accepts a correctly signed event", async () => {
    const res = await signedWebhook(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, outcome: "ignored" });
  });

  test("refuses a missing signature", async () => {
    const res = await api("/api/stripe/webhook", { method: "POST", body: payload });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_signature");
  });

  test("refuses a signature made with another secret", async () => {
    const res = await signedWebhook(payload, { secret: "whsec_not_the_right_one" });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_signature");
  });

  test("refuses a stale signature (older than 300 s)", async () => {
    const res = await signedWebhook(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(400);
  });

  test("refuses a signature dated more than 300 s in the future", async () => {
    // Well past the tolerance: at +301 a second ticking between this clock read and the worker's
    // made it exactly 300 s ahead, which is accepted (fresh-ci). The bound itself is unit-tested
    // with a fixed clock (timestampWithinTolerance).
    const res = await signedWebhook(payload, { timestamp: Math.floor(Date.now() / 1000) + 330 });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_signature");
  });

  test("refuses a body changed after signing", async () => {
    const header = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: (await import("vitest")).inject("webhookSecret"),
    });
    const res = await api("/api/stripe/webhook", {
      method: "POST",
      body: payload.replace("ch_1", "ch_2"),
      headers: { "stripe-signature": header },
    });
    expect(res.status).toBe(400);
  });

  test("refuses a garbage signature header", async () => {
    const res = await api("/api/stripe/webhook", {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": "t=abc,v1=zzz" },
    });
    expect(res.status).toBe(400);
  });

  test("refuses a signed body that is not an event", async () => {
    const res = await signedWebhook(JSON.stringify({ hello: "world" }));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_payload");
  });

  test("acknowledges event types Gatehouse does not use with 200", async () => {
    for (const type of ["payment_intent.succeeded", "customer.created", "some.future_event"]) {
      expect((await signedWebhook(fakeEvent(type, { id: "x" }))).status).toBe(200);
    }
  });
});

describe("POST /api/stripe/webhook — lifecycle", () => {
  test("checkout events unlock the user, whatever the order", async () => {
    const { user, customer } = await subscribe(prices.monthly());
    const events = await eventsFor(customer);
    expect(events.length).toBeGreaterThan(1);
    const statuses = await deliver([...events].reverse());
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });

  test("the same event five times leaves one ledger row with five attempts and the same state", async () => {
    const { user, customer } = await subscribe(prices.monthly());
    const created = (await eventsFor(customer)).find((e) => e.type === "customer.subscription.created");
    expect(created).toBeDefined();
    const event = created as Stripe.Event;
    const statuses = await deliver([event, event, event, event, event]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const [row] = await adminSelect<{ attempts: number; processed_at: string | null }>(
      "stripe_events",
      `id=eq.${event.id}&select=attempts,processed_at`,
    );
    expect(row?.attempts).toBe(5);
    expect(row?.processed_at).not.toBeNull();
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });

  test("subscription.created arriving after subscription.updated (cancellation) leaves the canceled state", async () => {
    const { user, customer, subscription } = await subscribe(prices.monthly());
    await stripe.subscriptions.cancel(subscription);
    const events = (await eventsFor(customer)).filter((e) => e.type.startsWith("customer.subscription."));
    const created = events.filter((e) => e.type === "customer.subscription.created");
    const later = events.filter((e) => e.type !== "customer.subscription.created");
    await deliver([...later, ...created]);
    expect(await entitlementOf(user.id)).toMatchObject({ active: false, status: "canceled" });
  });

  test("cancel_at_period_end keeps access, reports the end, and locks once the period passes", async () => {
    const { user, customer, subscription } = await subscribe(prices.monthly());
    const updated = await stripe.subscriptions.update(subscription, { cancel_at_period_end: true });
    await deliver(await eventsFor(customer));
    const ent = await entitlementOf(user.id);
    expect(ent?.active).toBe(true);
    const end = updated.items.data[0]?.current_period_end ?? 0;
    expect(ent?.cancel_at ? new Date(ent.cancel_at).getTime() : 0).toBe((updated.cancel_at ?? end) * 1000);
    await advanceClock(40 * 86_400);
    await deliver(await eventsFor(customer));
    expect(await entitlementOf(user.id)).toMatchObject({ active: false, status: "canceled" });
  });

  test("cancel_at (the portal's way) keeps access and reports that date", async () => {
    const { user, customer, subscription } = await subscribe(prices.monthly());
    const at = Math.floor(Date.now() / 1000) + 5 * 86_400;
    await stripe.subscriptions.update(subscription, { cancel_at: at });
    await deliver(await eventsFor(customer));
    const ent = await entitlementOf(user.id);
    expect(ent?.active).toBe(true);
    expect(ent?.cancel_at).not.toBeNull();
  });

  test("a failed renewal goes past_due (locked), then canceled after the retries", async () => {
    const { user, customer } = await subscribe(prices.monthly(), "4000000000000341");
    await deliver(await eventsFor(customer));
    expect((await entitlementOf(user.id))?.active).toBe(true);
    await advanceClock(31 * 86_400);
    await deliver(await eventsFor(customer));
    const pastDue = await entitlementOf(user.id);
    expect(pastDue?.active).toBe(false);
    expect(["past_due", "canceled", "unpaid"]).toContain(pastDue?.status);
    await advanceClock(30 * 86_400);
    await deliver(await eventsFor(customer));
    expect(await entitlementOf(user.id)).toMatchObject({ active: false });
    expect(await expectedActive(customer)).toBe(false);
  });

  test("a plan switch keeps access and records the new price", async () => {
    const { user, customer, subscription } = await subscribe(prices.monthly());
    const sub = await stripe.subscriptions.retrieve(subscription);
    const item = sub.items.data[0];
    expect(item).toBeDefined();
    await stripe.subscriptions.update(subscription, {
      items: [{ id: item?.id ?? "", price: prices.yearly() }],
      proration_behavior: "none",
    });
    await deliver((await eventsFor(customer)).reverse());
    expect((await entitlementOf(user.id))?.active).toBe(true);
    const [row] = await adminSelect<{ price_id: string }>("subscriptions", `id=eq.${subscription}&select=price_id`);
    expect(row?.price_id).toBe(prices.yearly());
  });

  test("with two subscriptions, canceling one keeps access through the other", async () => {
    const first = await subscribe(prices.monthly());
    // Gatehouse refuses a second checkout while the first is being confirmed…
    const res = await api("/api/checkout", {
      method: "POST",
      token: first.user.token,
      json: { priceId: prices.yearly() },
    });
    expect(res.status).toBe(409);
    // …but a second subscription can still appear at Stripe (dashboard, another integration).
    const second = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: first.customer,
      client_reference_id: first.user.id,
      line_items: [{ price: prices.yearly(), quantity: 1 }],
      success_url: "http://127.0.0.1:5173/billing/success",
    });
    const { pay } = await import("./helpers.ts");
    expect((await pay(second.id)).ok).toBe(true);
    const subs = await stripe.subscriptions.list({ customer: first.customer, status: "all" });
    expect(subs.data.filter((s) => s.status === "active")).toHaveLength(2);
    await stripe.subscriptions.cancel(first.subscription);
    await deliver(await eventsFor(first.customer));
    expect((await entitlementOf(first.user.id))?.active).toBe(true);
    const mirrored = await adminSelect<{ id: string }>("subscriptions", `user_id=eq.${first.user.id}&select=id`);
    expect(mirrored).toHaveLength(2);
  });
});

describe("POST /api/stripe/webhook — outages", () => {
  test("answers 5xx while the database is down, and a retry converges", async () => {
    const { user, customer } = await subscribe(prices.monthly());
    const events = await eventsFor(customer);
    await setFault("supabase", { down: true });
    let statuses: number[];
    try {
      statuses = await deliver(events);
    } finally {
      await setFault("supabase", { down: false });
    }
    expect(statuses.every((s) => s >= 500)).toBe(true);
    expect((await deliver(events)).every((s) => s === 200)).toBe(true);
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });

  test("while Stripe is down, still acknowledges; the consumer records the failure and a later try clears it", async () => {
    const { user, customer } = await subscribe(prices.monthly());
    const event = (await eventsFor(customer)).find((e) => e.type === "checkout.session.completed") as Stripe.Event;
    await setFault("stripe", { down: true });
    try {
      // The webhook no longer calls Stripe: recorded and queued, 200.
      expect((await signedWebhook(JSON.stringify(event))).status).toBe(200);
      // The consumer's sync fails and says why in the ledger; the message comes back later.
      await waitForLedger([event.id], (r) => r.processed_at === null && /stripe/i.test(r.last_error ?? ""));
    } finally {
      await setFault("stripe", { down: false });
    }
    // The queue's retry (5 s backoff) succeeds once Stripe is back.
    const [after] = await waitForLedger([event.id], (r) => r.processed_at !== null, 25_000);
    expect(after).toMatchObject({ attempts: 1, last_error: null });
    expect((await entitlementOf(user.id))?.active).toBe(true);
  }, 40_000);
});

describe("scheduled reconciliation", () => {
  test("repairs a cancellation whose webhook never arrived", async () => {
    const { user, customer, subscription } = await subscribe(prices.monthly());
    await deliver(await eventsFor(customer));
    expect((await entitlementOf(user.id))?.active).toBe(true);
    await stripe.subscriptions.cancel(subscription); // its events are never delivered
    expect((await entitlementOf(user.id))?.active).toBe(true);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await entitlementOf(user.id)).toMatchObject({ active: false, status: "canceled" });
  });

  test("brings right a user whose webhooks never arrived", async () => {
    const { user } = await subscribe(prices.monthly());
    expect((await entitlementOf(user.id))?.active ?? false).toBe(false);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });
});

describe("POST /api/stripe/webhook — customers Gatehouse did not record", () => {
  test("binds a customer that carries metadata.user_id of a real user, then syncs it", async () => {
    const { createUser } = await import("./helpers.ts");
    const user = await createUser();
    const customer = await stripe.customers.create({ email: user.email, metadata: { user_id: user.id } });
    const payload = fakeEvent("customer.subscription.updated", { id: "sub_x", customer: customer.id });
    const res = await signedWebhook(payload);
    expect(res.status).toBe(200);
    await waitForLedger([(JSON.parse(payload) as { id: string }).id]);
    const [bound] = await adminSelect<{ stripe_customer_id: string }>(
      "customers",
      `user_id=eq.${user.id}&select=stripe_customer_id`,
    );
    expect(bound?.stripe_customer_id).toBe(customer.id);
  });

  test("acknowledges events of a customer that belongs to no Gatehouse user", async () => {
    const customer = await stripe.customers.create({ email: "stranger@example.test" });
    const payload = fakeEvent("customer.subscription.updated", { id: "sub_y", customer: customer.id });
    const res = await signedWebhook(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: "queued" });
    // The consumer finds no Gatehouse user behind it: the event is done, nothing is bound.
    await waitForLedger([(JSON.parse(payload) as { id: string }).id]);
    expect(await adminSelect("customers", `stripe_customer_id=eq.${customer.id}&select=user_id`)).toEqual([]);
  });
});
