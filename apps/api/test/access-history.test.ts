import { describe, expect, test } from "vitest";
import {
  adminSelect,
  api,
  createUser,
  deliver,
  eventsFor,
  postCheckout,
  prices,
  sandbox,
  stripe,
  subscribe,
} from "./helpers.ts";

interface ChangeRow {
  cause: string;
  event_id: string | null;
  actor: string | null;
  before: { status?: string | null; cancel_at?: string | null } | null;
  after: { status?: string | null; active?: boolean; cancel_at?: string | null };
}

const historyOf = (userId: string) =>
  adminSelect<ChangeRow>(
    "entitlement_changes",
    `user_id=eq.${userId}&select=cause,event_id,actor,before,after&order=id`,
  );

describe("access history through the API's sync paths", () => {
  test("the success-page sync, then the webhooks, then a cancellation: one row per change, each with its cause", async () => {
    const { user, sessionId, customer, subscription } = await subscribe(prices.monthly());

    const synced = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } });
    expect(synced.status).toBe(200);
    const first = await historyOf(user.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ cause: "checkout_sync", actor: user.id, event_id: null, before: null });
    expect(first[0]?.after).toMatchObject({ active: true, status: "active" });

    // The checkout's webhooks find the access already granted: no new history.
    await deliver(await eventsFor(customer));
    expect(await historyOf(user.id)).toHaveLength(1);

    // Cancelling at the period end is a change, caused by the webhook event that says so.
    const before = new Set((await eventsFor(customer)).map((e) => e.id));
    await stripe.subscriptions.update(subscription, { cancel_at_period_end: true });
    const fresh = (await eventsFor(customer)).filter((e) => !before.has(e.id));
    expect(fresh.map((e) => e.type)).toContain("customer.subscription.updated");
    await deliver(fresh);
    const rows = await historyOf(user.id);
    expect(rows).toHaveLength(2);
    const updated = fresh.filter((e) => e.type === "customer.subscription.updated").map((e) => e.id);
    expect(rows[1]).toMatchObject({ cause: "webhook:customer.subscription.updated", actor: null });
    expect(updated).toContain(rows[1]?.event_id);
    expect(rows[1]?.before?.cancel_at).toBeNull();
    expect(rows[1]?.after.cancel_at).not.toBeNull();
  });

  test("a plan change records cause plan_change with the user as actor, before and after", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    expect((await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } })).status).toBe(
      200,
    );
    const res = await api("/api/billing/change-plan", {
      method: "POST",
      token: user.token,
      json: { priceId: prices.proMonthly() },
    });
    expect(res.status).toBe(200);
    const rows = await adminSelect<ChangeRow & { before: { price_id?: string }; after: { price_id?: string } }>(
      "entitlement_changes",
      `user_id=eq.${user.id}&select=cause,event_id,actor,before,after&order=id`,
    );
    expect(rows.map((r) => [r.cause, r.actor])).toEqual([
      ["checkout_sync", user.id],
      ["plan_change", user.id],
    ]);
    expect(rows[1]?.before?.price_id).toBe(prices.monthly());
    expect(rows[1]?.after.price_id).toBe(prices.proMonthly());
  });

  test("a lifetime purchase and its full refund, delivered as webhooks, are recorded with their events (not as database)", async () => {
    const user = await createUser();
    const res = await postCheckout(user.token, { priceId: prices.lifetime(), currency: "usd" });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const paid = await sandbox(`checkout/sessions/${id}/complete`, {
      card: "4242424242424242",
      address: { country: "US", line1: "1 Main St", city: "Town", postal_code: "10001" },
    });
    expect(paid.status).toBe(200);
    const session = await stripe.checkout.sessions.retrieve(id);
    const customer = String(session.customer);
    const bought = await eventsFor(customer);
    await deliver(bought);
    const first = await historyOf(user.id);
    expect(first).toHaveLength(1);
    expect(first[0]?.cause).toMatch(/^webhook:/);
    expect(bought.map((e) => e.id)).toContain(first[0]?.event_id);
    expect(first[0]?.after).toMatchObject({ active: true });

    const seen = new Set(bought.map((e) => e.id));
    await stripe.refunds.create({ payment_intent: String(session.payment_intent) });
    const refundEvents = (await eventsFor(customer)).filter((e) => !seen.has(e.id));
    await deliver(refundEvents);
    const rows = await historyOf(user.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.cause).toMatch(/^webhook:(charge\.refunded|refund\.created|refund\.updated)$/);
    expect(refundEvents.map((e) => e.id)).toContain(rows[1]?.event_id);
    expect(rows[1]?.after).toMatchObject({ active: false });
  });
});
