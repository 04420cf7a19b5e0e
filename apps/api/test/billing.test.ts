import { PREMIUM_CONTENT_COLUMNS, type PremiumLesson, type SyncResponse } from "@gatehouse/types";
import { describe, expect, test } from "vitest";
import {
  adminSelect,
  api,
  createUser,
  deliver,
  entitlementOf,
  eventsFor,
  openCheckout,
  pay,
  prices,
  subscribe,
} from "./helpers.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("POST /api/billing/sync", () => {
  test("unlocks right after payment, without waiting for a webhook", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    const res = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } });
    expect(res.status).toBe(200);
    const { entitlement } = (await res.json()) as {
      entitlement: { active: boolean; status: string; entitlement: string };
    };
    expect(entitlement).toMatchObject({ active: true, status: "active", entitlement: "basic" });
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });

  test("withContent answers the premium rows the caller may read, read as them (RLS: Basic sees no Pro rows)", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    const res = await api("/api/billing/sync", {
      method: "POST",
      token: user.token,
      json: { sessionId, withContent: true },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as SyncResponse;
    expect(body.entitlement).toMatchObject({ active: true, features: ["library.basic"] });
    const all = await adminSelect<PremiumLesson>(
      "premium_content",
      `select=${PREMIUM_CONTENT_COLUMNS}&order=position.asc`,
    );
    const basic = all.filter((row) => row.feature === "library.basic");
    expect(basic.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(basic.length); // rows of other features exist, and are not answered
    expect(body.content).toEqual(basic);
  });

  test("withContent answers no rows without access, and none unless asked", async () => {
    const stranger = await createUser();
    const locked = await api("/api/billing/sync", {
      method: "POST",
      token: stranger.token,
      json: { withContent: true },
    });
    expect(locked.status).toBe(200);
    const lockedBody = (await locked.json()) as SyncResponse;
    expect(lockedBody.entitlement.active).toBe(false);
    expect(lockedBody).not.toHaveProperty("content");

    const { user, sessionId } = await subscribe(prices.monthly());
    const plain = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } });
    const plainBody = (await plain.json()) as SyncResponse;
    expect(plainBody.entitlement.active).toBe(true);
    expect(plainBody).not.toHaveProperty("content");
  });

  test("withContent that is not a boolean is a 400 that says so", async () => {
    const user = await createUser();
    const res = await api("/api/billing/sync", { method: "POST", token: user.token, json: { withContent: "yes" } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("withContent must be true or false");
  });

  test("without a session id re-syncs the caller's own customer", async () => {
    const { user } = await subscribe(prices.monthly());
    const res = await api("/api/billing/sync", { method: "POST", token: user.token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { entitlement: { active: boolean } }).entitlement.active).toBe(true);
  });

  test("for a user who never paid returns the inactive entitlement", async () => {
    const user = await createUser();
    const res = await api("/api/billing/sync", { method: "POST", token: user.token, json: {} });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { entitlement: { active: boolean } }).entitlement.active).toBe(false);
  });

  test("an unpaid session leaves the user locked", async () => {
    const user = await createUser();
    const { id } = await openCheckout(user, prices.monthly());
    const declined = await pay(id, "4000000000000002");
    expect(declined.ok).toBe(false);
    const res = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId: id } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { entitlement: { active: boolean } }).entitlement.active).toBe(false);
  });

  test("after the checkout's webhooks were synced, answers the entitlement they wrote without syncing again", async () => {
    const { user, sessionId, customer, subscription } = await subscribe(prices.monthly());
    await deliver(await eventsFor(customer));
    const lastSynced = async () =>
      (
        await adminSelect<{ last_synced_at: string | null }>("customers", `user_id=eq.${user.id}&select=last_synced_at`)
      )[0]?.last_synced_at;
    const before = await lastSynced();
    expect(before).not.toBeNull();
    const res = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } });
    expect(res.status).toBe(200);
    const { entitlement } = (await res.json()) as { entitlement: { active: boolean; status: string } };
    expect(entitlement).toMatchObject({ active: true, status: "active" });
    expect((await entitlementOf(user.id))?.subscription_id).toBe(subscription);
    // No new Stripe snapshot was written: the webhooks' sync is the answer.
    expect(await lastSynced()).toBe(before);
    // Without the session id, the caller's sync still re-reads Stripe.
    expect((await api("/api/billing/sync", { method: "POST", token: user.token })).status).toBe(200);
    expect(await lastSynced()).not.toBe(before);
  });

  test("a caller with a customer of their own but no access gets 403 for another user's session id, and stays locked", async () => {
    const { sessionId } = await subscribe(prices.monthly());
    const mallory = await createUser();
    await openCheckout(mallory, prices.monthly());
    const res = await api("/api/billing/sync", { method: "POST", token: mallory.token, json: { sessionId } });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("session_not_yours");
    expect((await entitlementOf(mallory.id))?.active ?? false).toBe(false);
  });

  test("a caller who already has access still gets 403 for another user's session id", async () => {
    const { sessionId } = await subscribe(prices.monthly());
    const mallory = await subscribe(prices.monthly());
    await deliver(await eventsFor(mallory.customer));
    expect((await entitlementOf(mallory.user.id))?.active).toBe(true);
    const res = await api("/api/billing/sync", { method: "POST", token: mallory.user.token, json: { sessionId } });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("session_not_yours");
  });

  test("refuses another user's session id with 403 session_not_yours", async () => {
    const { sessionId } = await subscribe(prices.monthly());
    const mallory = await createUser();
    const res = await api("/api/billing/sync", { method: "POST", token: mallory.token, json: { sessionId } });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("session_not_yours");
    expect((await entitlementOf(mallory.id))?.active ?? false).toBe(false);
  });

  test("answers 404 for an unknown session and 400 for a malformed id", async () => {
    const user = await createUser();
    expect(
      (await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId: "cs_test_nope" } }))
        .status,
    ).toBe(404);
    expect(
      (await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId: "../etc" } })).status,
    ).toBe(400);
  });

  test("returns 401 without a session", async () => {
    expect((await api("/api/billing/sync", { method: "POST", json: {} })).status).toBe(401);
  });
});

describe("POST /api/billing/portal", () => {
  test("opens the customer portal for a subscriber", async () => {
    const { user } = await subscribe(prices.monthly());
    const res = await api("/api/billing/portal", { method: "POST", token: user.token, json: { locale: "fr" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { url: string }).url).toMatch(/^http/);
  });

  test("answers 404 no_customer to a user who never started a checkout", async () => {
    const user = await createUser();
    const res = await api("/api/billing/portal", { method: "POST", token: user.token });
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe("no_customer");
  });

  test("returns 401 without a session", async () => {
    expect((await api("/api/billing/portal", { method: "POST" })).status).toBe(401);
  });
});
