// POST/DELETE /api/billing/change-plan(/preview) through workerd, the Stripe stand-in and Postgres.
import type { ChangePlanPreviewResponse, EntitlementView } from "@gatehouse/types";
import type Stripe from "stripe";
import { describe, expect, test } from "vitest";
import { advanceClock, api, createUser, prices, stripe, subscribe } from "./helpers.ts";

const PRO = ["downloads", "library.basic", "library.pro"];
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

const preview = (token: string, priceId: string) =>
  api("/api/billing/change-plan/preview", { method: "POST", token, json: { priceId } });
const change = (token: string, priceId: string) =>
  api("/api/billing/change-plan", { method: "POST", token, json: { priceId } });
const cancelScheduled = (token: string) => api("/api/billing/change-plan", { method: "DELETE", token });

async function invoicesOf(subscription: string): Promise<Stripe.Invoice[]> {
  return (await stripe.invoices.list({ subscription, limit: 100 })).data;
}

/** A synced Basic subscriber (card 4242 unless told). */
async function basicSubscriber(price = prices.monthly(), card?: string) {
  const s = await subscribe(price, card);
  const res = await api("/api/billing/sync", { method: "POST", token: s.user.token, json: { sessionId: s.sessionId } });
  expect(res.status).toBe(200);
  return s;
}

describe("upgrade now", () => {
  test("Basic monthly → Pro monthly: the preview's amount is the invoice then paid, and Pro unlocks", async () => {
    const { user, subscription } = await basicSubscriber();
    const before = await invoicesOf(subscription);

    const p = await preview(user.token, prices.proMonthly());
    expect(p.status).toBe(200);
    const quote = (await p.json()) as ChangePlanPreviewResponse;
    expect(quote).toMatchObject({ effective: "now", currency: "eur" });
    expect(quote.amountDue).toBeGreaterThan(0);
    expect(quote.amountDue).toBeLessThanOrEqual(1900);
    expect(quote.lines.length).toBeGreaterThan(0);
    expect(quote.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(quote.amountDue);
    // The preview never charges: no invoice appeared.
    expect((await invoicesOf(subscription)).length).toBe(before.length);

    const res = await change(user.token, prices.proMonthly());
    expect(res.status).toBe(200);
    const { entitlement } = (await res.json()) as { entitlement: EntitlementView };
    expect(entitlement).toMatchObject({ active: true, entitlement: "pro", priceId: prices.proMonthly() });
    expect(entitlement.features).toEqual(PRO);

    const after = await invoicesOf(subscription);
    const made = after.filter((i) => !before.some((b) => b.id === i.id));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      status: "paid",
      amount_paid: quote.amountDue,
      billing_reason: "subscription_update",
    });
  });

  test("a declined card leaves the old plan and answers 402 payment_failed", async () => {
    const { user, subscription } = await basicSubscriber(prices.monthly(), "4000000000000341");
    const res = await change(user.token, prices.proMonthly());
    expect(res.status).toBe(402);
    expect((await codeOf(res)).code).toBe("payment_failed");
    const me = (await (await api("/api/me", { token: user.token })).json()) as { entitlement: EntitlementView };
    expect(me.entitlement).toMatchObject({ active: true, entitlement: "basic", priceId: prices.monthly() });
    expect(me.entitlement.features).toEqual(["library.basic"]);
    const live = await stripe.subscriptions.retrieve(subscription);
    expect(live.items.data[0]?.price.id).toBe(prices.monthly());
    // The declined invoice is void and nothing is pending: the upgrade can never apply later.
    expect(live.pending_update).toBeNull();
    const updates = (await invoicesOf(subscription)).filter((i) => i.billing_reason === "subscription_update");
    expect(updates.map((i) => i.status)).toEqual(["void"]);
  });

  test("two changes at once: one wins, the other gets 409, and only one invoice is made", async () => {
    const { user, subscription } = await basicSubscriber();
    const before = (await invoicesOf(subscription)).length;
    const answers = await Promise.all([
      change(user.token, prices.proMonthly()),
      change(user.token, prices.proMonthly()),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBe(409);
    const loser = answers.find((r) => r.status === 409);
    expect(loser && (await codeOf(loser)).code).toBe("change_in_progress");
    expect((await invoicesOf(subscription)).length).toBe(before + 1);
  });
});

describe("scheduled at the end of the period", () => {
  test("Basic yearly → Basic monthly is scheduled, shown, and can be cancelled", async () => {
    const { user, subscription } = await basicSubscriber(prices.yearly());
    const before = (await invoicesOf(subscription)).length;
    const live = await stripe.subscriptions.retrieve(subscription);
    const periodEnd = live.items.data[0]?.current_period_end ?? 0;

    const p = await preview(user.token, prices.monthly());
    expect(p.status).toBe(200);
    expect(await p.json()).toMatchObject({
      amountDue: 0,
      effective: "period_end",
      effectiveAt: new Date(periodEnd * 1000).toISOString(),
    });

    const res = await change(user.token, prices.monthly());
    expect(res.status).toBe(200);
    const { entitlement } = (await res.json()) as { entitlement: EntitlementView };
    expect(entitlement).toMatchObject({
      active: true,
      priceId: prices.yearly(),
      scheduledChange: { priceId: prices.monthly(), at: new Date(periodEnd * 1000).toISOString() },
    });
    expect((await invoicesOf(subscription)).length).toBe(before);

    const cancelled = await cancelScheduled(user.token);
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { entitlement: EntitlementView }).entitlement.scheduledChange).toBeNull();
    const again = await cancelScheduled(user.token);
    expect(again.status).toBe(409);
    expect((await codeOf(again)).code).toBe("nothing_scheduled");
  });

  test("an upgrade after a scheduled downgrade replaces it", async () => {
    const { user } = await basicSubscriber(prices.yearly());
    expect((await change(user.token, prices.monthly())).status).toBe(200);
    const res = await change(user.token, prices.proYearly());
    expect(res.status).toBe(200);
    const { entitlement } = (await res.json()) as { entitlement: EntitlementView };
    expect(entitlement).toMatchObject({ priceId: prices.proYearly(), scheduledChange: null });
    expect(entitlement.features).toEqual(PRO);
  });
});

describe("bad input", () => {
  test("the current price is 400 same_plan", async () => {
    const { user } = await basicSubscriber();
    for (const call of [preview, change]) {
      const res = await call(user.token, prices.monthly());
      expect(res.status).toBe(400);
      expect((await codeOf(res)).code).toBe("same_plan");
    }
  });

  test.each([
    ["an unknown price", () => "price_doesnotexist"],
    ["an inactive price", () => prices.inactive()],
    ["a price of a product that grants nothing", () => prices.noEntitlement()],
  ])("%s is 400 invalid_price", async (_name, price) => {
    const { user } = await basicSubscriber();
    for (const call of [preview, change]) {
      const res = await call(user.token, price());
      expect(res.status).toBe(400);
      expect((await codeOf(res)).code).toBe("invalid_price");
    }
  });

  test("without a subscription: 409 no_subscription (change, preview and cancel)", async () => {
    const user = await createUser();
    for (const res of [
      await preview(user.token, prices.proMonthly()),
      await change(user.token, prices.proMonthly()),
      await cancelScheduled(user.token),
    ]) {
      expect(res.status).toBe(409);
      expect((await codeOf(res)).code).toBe("no_subscription");
    }
  });

  test("a malformed body is 400 invalid_body; no session is 401", async () => {
    const user = await createUser();
    const bad = await api("/api/billing/change-plan", { method: "POST", token: user.token, json: { price: "x" } });
    expect(bad.status).toBe(400);
    expect((await codeOf(bad)).code).toBe("invalid_body");
    expect((await api("/api/billing/change-plan", { method: "POST", json: { priceId: "price_x" } })).status).toBe(401);
    expect((await api("/api/billing/change-plan", { method: "DELETE" })).status).toBe(401);
  });

  test("while the subscription is past due: 409 with a message to fix the payment first", async () => {
    const { user, customer } = await basicSubscriber(prices.monthly(), "4000000000000341");
    await advanceClock(31 * 86_400);
    await api("/api/billing/sync", { method: "POST", token: user.token });
    const subs = await stripe.subscriptions.list({ customer, status: "all" });
    expect(subs.data[0]?.status).toBe("past_due");
    const res = await change(user.token, prices.proMonthly());
    expect(res.status).toBe(409);
    const error = await codeOf(res);
    expect(error.code).toBe("subscription_past_due");
    expect(error.message).toMatch(/fix the payment/);
  });
});
