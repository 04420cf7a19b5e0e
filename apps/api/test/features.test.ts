// Tiers by feature through the real path: the catalog's features reach entitlements.features and
// /api/me, product webhooks keep the features mirror current, and the trial is given once.
import type { EntitlementView, MeResponse } from "@gatehouse/types";
import { describe, expect, test } from "vitest";
import { adminSelect, advanceClock, api, createUser, deliver, pay, prices, stripe, subscribe } from "./helpers.ts";
import { event } from "./stripe-objects.ts";

async function syncAndRead(token: string, sessionId: string): Promise<EntitlementView> {
  const res = await api("/api/billing/sync", { method: "POST", token, json: { sessionId } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entitlement: EntitlementView }).entitlement;
}

async function me(token: string): Promise<MeResponse> {
  const res = await api("/api/me", { token });
  expect(res.status).toBe(200);
  return (await res.json()) as MeResponse;
}

describe("features by tier", () => {
  test("a Basic subscriber holds library.basic only, with its price and source", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    const entitlement = await syncAndRead(user.token, sessionId);
    expect(entitlement).toMatchObject({
      active: true,
      status: "active",
      entitlement: "basic",
      features: ["library.basic"],
      source: "subscription",
      priceId: prices.monthly(),
      trialEnd: null,
      scheduledChange: null,
    });
    expect((await me(user.token)).entitlement.features).toEqual(["library.basic"]);
  });

  test("product.updated re-reads the product's features from Stripe into the mirror", async () => {
    const key = `test.feature.${crypto.randomUUID().slice(0, 8)}`;
    const feature = await stripe.entitlements.features.create({ lookup_key: key, name: "Test feature" });
    const product = await stripe.products.create({ name: "Feature test tier", metadata: { entitlement: "test" } });
    const attached = await stripe.products.createFeature(product.id, { entitlement_feature: feature.id });
    expect(await deliver([event("product.updated", product)])).toEqual([200]);
    const rows = () =>
      adminSelect<{ feature: string }>("product_features", `product_id=eq.${product.id}&select=feature`);
    expect(await rows()).toEqual([{ feature: key }]);
    expect(await adminSelect("features", `lookup_key=eq.${key}&select=lookup_key,name`)).toEqual([
      { lookup_key: key, name: "Test feature" },
    ]);

    await stripe.products.deleteFeature(product.id, attached.id);
    expect(await deliver([event("product.updated", product)])).toEqual([200]);
    expect(await rows()).toEqual([]);
  });
});

describe("one trial per user", () => {
  test("Pro starts with the catalog's 7-day trial, once: after it, the same user pays at once", async () => {
    const first = await subscribe(prices.proMonthly());
    const trial = await syncAndRead(first.user.token, first.sessionId);
    expect(trial).toMatchObject({ active: true, status: "trialing", entitlement: "pro" });
    expect(trial.features).toEqual(["downloads", "library.basic", "library.pro"]);
    const trialEnd = Date.parse(trial.trialEnd ?? "");
    expect(Math.round((trialEnd - Date.parse(trial.currentPeriodEnd ?? "")) / 1000)).toBe(0);
    expect((await me(first.user.token)).trialEligible).toBe(false);

    // The trialer cancels; subscribing again gives no second trial.
    await stripe.subscriptions.cancel(first.subscription);
    const resynced = await api("/api/billing/sync", { method: "POST", token: first.user.token });
    expect(((await resynced.json()) as { entitlement: EntitlementView }).entitlement.active).toBe(false);
    const again = await api("/api/checkout", {
      method: "POST",
      token: first.user.token,
      json: { priceId: prices.proMonthly() },
    });
    expect(again.status).toBe(200);
    const { id } = (await again.json()) as { id: string };
    expect((await pay(id)).ok).toBe(true);
    const paid = await syncAndRead(first.user.token, id);
    expect(paid).toMatchObject({ active: true, status: "active", trialEnd: null });
  });

  test("a trial needs no card; without one it ends in cancel when the clock passes the trial", async () => {
    const user = await createUser();
    const res = await api("/api/checkout", {
      method: "POST",
      token: user.token,
      json: { priceId: prices.proMonthly() },
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const session = await stripe.checkout.sessions.retrieve(id);
    expect(session.payment_method_collection).toBe("if_required");
    expect((await pay(id, "")).ok).toBe(true);
    expect(await syncAndRead(user.token, id)).toMatchObject({ active: true, status: "trialing" });
    await advanceClock(8 * 86_400);
    const after = await api("/api/billing/sync", { method: "POST", token: user.token });
    const { entitlement } = (await after.json()) as { entitlement: EntitlementView };
    expect(entitlement).toMatchObject({ active: false, status: "canceled", features: [] });
  });

  test("a user who never had a trial is offered one", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    await syncAndRead(user.token, sessionId);
    expect((await me(user.token)).trialEligible).toBe(true);
  });
});
