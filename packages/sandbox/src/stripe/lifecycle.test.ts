import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { checkout, makePlan, openSession, useHarness } from "./test-support.ts";

const DAY = 86_400;
const h = useHarness();

async function advance(seconds: number) {
  const res = await h.control<{ now: number; transitions: Array<{ action: string; id: string }> }>(
    "/_sandbox/clock/advance",
    { seconds },
  );
  expect(res.status).toBe(200);
  return res.body;
}

async function eventsFor(id: string): Promise<Stripe.Event[]> {
  const out: Stripe.Event[] = [];
  for await (const e of h.stripe.events.list({ limit: 100 })) {
    const obj = e.data.object;
    const sub = "subscription" in obj ? obj.subscription : null;
    const parentSub =
      obj.object === "invoice" ? (obj as Stripe.Invoice).parent?.subscription_details?.subscription : null;
    if (("id" in obj && obj.id === id) || sub === id || parentSub === id) out.push(e);
  }
  return out.reverse();
}

const period = (s: Stripe.Subscription) => ({
  start: s.items.data[0]?.current_period_start ?? 0,
  end: s.items.data[0]?.current_period_end ?? 0,
});

describe("subscription lifecycle on the sandbox clock", () => {
  it("renews, then cancels at period end", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id);
    const first = period(subscription);
    await advance(first.end - (await h.control<{ now: number }>("/_sandbox/clock")).body.now + 60);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe("active");
    expect(period(renewed).start).toBe(first.end);
    expect(period(renewed).end).toBeGreaterThan(first.end + 27 * DAY);
    const types = (await eventsFor(subscription.id)).map((e) => e.type);
    expect(types.filter((t) => t === "invoice.paid")).toHaveLength(2);
    expect(types).toContain("customer.subscription.updated");

    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(32 * DAY);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: period(renewed).end });
    expect(ended.cancellation_details?.reason).toBe("cancellation_requested");
    expect((await eventsFor(subscription.id)).map((e) => e.type)).toContain("customer.subscription.deleted");
  });

  it("turns a 4000000000000341 subscription past_due on renewal, then canceled after the retries", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id, { card: "4000000000000341" });
    expect(subscription.status).toBe("active");
    const now = (await h.control<{ now: number }>("/_sandbox/clock")).body.now;
    await advance(period(subscription).end - now + 60);
    const pastDue = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const failed = (await eventsFor(subscription.id)).filter((e) => e.type === "invoice.payment_failed");
    expect(failed).toHaveLength(1);
    await advance(8 * DAY);
    const canceled = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe("canceled");
    expect(canceled.cancellation_details?.reason).toBe("payment_failed");
    const types = (await eventsFor(subscription.id)).map((e) => e.type);
    expect(types.filter((t) => t === "invoice.payment_failed").length).toBeGreaterThan(1);
    expect(types.at(-1)).toBe("customer.subscription.deleted");
  });

  it("starts a trial from subscription_data, warns before it ends, then charges and turns active", async () => {
    const price = await makePlan(h.stripe);
    const { session, subscription } = await checkout(h, price.id, { trialDays: 14 });
    expect(session.payment_status).toBe("no_payment_required");
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_end).toBe(period(subscription).end);
    await advance(12 * DAY);
    expect((await eventsFor(subscription.id)).map((e) => e.type)).toContain("customer.subscription.trial_will_end");
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe("trialing");
    await advance(3 * DAY);
    const active = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    expect(period(active).start).toBe(subscription.trial_end);
  });

  it("starts a trial from the price's own trial_period_days only with trial_from_plan, as Stripe does", async () => {
    const price = await makePlan(h.stripe, { trialDays: 7 });
    const { subscription } = await checkout(h, price.id, { trialFromPlan: true });
    expect(subscription.status).toBe("trialing");
    expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).toBe(7 * DAY);
    const plain = await checkout(h, price.id);
    expect(plain.subscription.status).toBe("active");
    expect(plain.subscription.trial_end).toBeNull();
  });

  it("expires an unpaid checkout session when its time passes", async () => {
    const price = await makePlan(h.stripe);
    const session = await openSession(h, price.id);
    await advance(25 * 3600);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    expect((await eventsFor(session.id)).map((e) => e.type)).toContain("checkout.session.expired");
  });

  it("cancels at the period end, resumes and switches price from the portal page", async () => {
    const monthly = await makePlan(h.stripe);
    const yearly = await makePlan(h.stripe, { product: String(monthly.product), amount: 9000, interval: "year" });
    const { subscription } = await checkout(h, monthly.id);
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: String(subscription.customer),
      return_url: "http://127.0.0.1:5173/account",
    });
    const page = await fetch(portal.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Gatehouse Pro");
    expect(html).toContain("http://127.0.0.1:5173/account");
    const post = (body: Record<string, string>) =>
      fetch(portal.url, { method: "POST", body: new URLSearchParams(body), redirect: "manual" });
    expect((await post({ action: "cancel", subscription: subscription.id })).status).toBe(303);
    const canceling = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(canceling.cancel_at).toBe(period(subscription).end);
    expect(canceling.cancel_at_period_end).toBe(false);
    await post({ action: "resume", subscription: subscription.id });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).cancel_at).toBeNull();
    await post({ action: "switch", subscription: subscription.id, price: yearly.id });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.id).toBe(yearly.id);
    const fr = await h.stripe.billingPortal.sessions.create({ customer: String(subscription.customer), locale: "fr" });
    expect(await (await fetch(fr.url)).text()).toContain("Annuler l’abonnement");
  });

  it("deletes a customer as Stripe does: subscriptions end at once, the customer answers deleted", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id);
    const customer = String(subscription.customer);
    const deleted = await h.stripe.customers.del(customer);
    expect(deleted).toEqual({ id: customer, object: "customer", deleted: true });
    expect(await h.stripe.customers.retrieve(customer)).toEqual({ id: customer, object: "customer", deleted: true });
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", cancellation_details: { reason: "cancellation_requested" } });
    const types = (await eventsFor(subscription.id)).map((e) => e.type);
    expect(types).toContain("customer.subscription.deleted");
    const customerEvents = await h.stripe.events.list({ type: "customer.deleted", limit: 10 });
    expect(customerEvents.data.map((e) => (e.data.object as Stripe.Customer).id)).toContain(customer);
    // Anything else naming it is a resource_missing, as for an id Stripe never had.
    await expect(h.stripe.customers.update(customer, { name: "x" })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    await expect(h.stripe.customers.del(customer)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("cancels at a cancel_at set through the API", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id);
    const now = (await h.control<{ now: number }>("/_sandbox/clock")).body.now;
    await h.stripe.subscriptions.update(subscription.id, { cancel_at: now + 2 * DAY });
    await advance(DAY);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    await advance(2 * DAY);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
  });

  it("keeps its state, idempotency keys and clock across a restart", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id);
    const customer = await h.stripe.customers.create({ email: "restart@example.com" }, { idempotencyKey: "restart-1" });
    const clockBefore = (await h.control<{ offset: number }>("/_sandbox/clock")).body.offset;
    await h.restart();
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    expect((await h.stripe.customers.list({ email: "restart@example.com" })).data.map((c) => c.id)).toEqual([
      customer.id,
    ]);
    const again = await h.stripe.customers.create({ email: "restart@example.com" }, { idempotencyKey: "restart-1" });
    expect(again.id).toBe(customer.id);
    expect((await h.control<{ offset: number }>("/_sandbox/clock")).body.offset).toBe(clockBefore);
    const list = await h.stripe.subscriptions.list({ customer: String(subscription.customer), status: "all" });
    expect(list.data.map((s) => s.id)).toEqual([subscription.id]);
  });
});
