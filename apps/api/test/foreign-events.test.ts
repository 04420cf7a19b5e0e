// Issue 12 item 16: every event type Gatehouse routes, signed, with realistic full-size objects
// (every field the stripe package's types declare, nested lists included) that Gatehouse does not
// know: each is answered 2xx, recorded, and ignored (processed with no error, never retried).

import { ROUTED_EVENT_TYPES } from "@gatehouse/billing";
import type Stripe from "stripe";
import { beforeAll, describe, expect, test } from "vitest";
import { type LedgerRow, prices, sandbox, signedWebhook, stripe, waitForLedger } from "./helpers.ts";
import {
  activeEntitlementSummary,
  checkoutSession,
  customer,
  event,
  invoice,
  price,
  product,
  stripeId,
  subscription,
  subscriptionSchedule,
} from "./stripe-objects.ts";

/**
 * A one-time payment's objects as the Stripe stand-in makes them (its answers pass the conformance
 * test against the stripe package's types), for a customer no Gatehouse user owns.
 */
let payment: { intent: Stripe.PaymentIntent; charge: Stripe.Charge; refund: Stripe.Refund; dispute: Stripe.Dispute };
beforeAll(async () => {
  const customer = await stripe.customers.create({ email: "stranger@example.test" });
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customer.id,
    line_items: [{ price: prices.lifetime(), quantity: 1 }],
    success_url: "http://127.0.0.1:5173/ok",
  });
  const paid = await sandbox(`checkout/sessions/${session.id}/complete`, { card: "4242424242424242" });
  if (!paid.ok) throw new Error(`pay: ${paid.status} ${await paid.text()}`);
  const intentId = String((await stripe.checkout.sessions.retrieve(session.id)).payment_intent);
  const refund = await stripe.refunds.create({ payment_intent: intentId, amount: 100 });
  const charge = await stripe.charges.retrieve(String(refund.charge));
  const disputed = await sandbox(`charges/${charge.id}/dispute`, { outcome: "lost" });
  const { dispute } = (await disputed.json()) as { dispute: Stripe.Dispute };
  payment = { intent: await stripe.paymentIntents.retrieve(intentId), charge, refund, dispute };
});

/** A full-size object of the type the event carries, for a customer/product Stripe and Gatehouse do not know. */
function foreignObject(type: string): object {
  const cus = stripeId("cus");
  if (type.startsWith("checkout.session.")) return checkoutSession(cus);
  if (type.startsWith("customer.subscription.")) return subscription(cus, 20);
  if (type === "customer.deleted") return customer();
  if (type.startsWith("invoice.")) return invoice(cus, 60);
  if (type.startsWith("subscription_schedule.")) return subscriptionSchedule(cus);
  if (type === "entitlements.active_entitlement_summary.updated") return activeEntitlementSummary(cus);
  if (type.startsWith("product.")) return product();
  if (type.startsWith("price.")) return price();
  if (type.startsWith("payment_intent.")) return payment.intent;
  if (type.startsWith("charge.dispute.")) return payment.dispute;
  if (type.startsWith("charge.")) return payment.charge;
  if (type.startsWith("refund.")) return payment.refund;
  throw new Error(`no foreign object for ${type}: add one to this test`);
}

const settled = (r: LedgerRow) => r.processed_at !== null || r.last_error !== null;

describe("events about objects Gatehouse does not know", () => {
  test("every routed event type, full size, is 2xx, recorded and ignored", async () => {
    expect(ROUTED_EVENT_TYPES.length).toBeGreaterThan(20);
    const events = ROUTED_EVENT_TYPES.map((type) => event(type, foreignObject(type)));
    for (const e of events) {
      const res = await signedWebhook(JSON.stringify(e));
      expect([e.type, res.status]).toEqual([e.type, 200]);
    }
    const rows = await waitForLedger(
      events.map((e) => e.id),
      settled,
    );
    const failed = rows.filter((r) => r.processed_at === null || r.last_error !== null);
    expect(failed).toEqual([]);
  });

  test("price.updated for a price whose product Stripe no longer has is recorded and ignored, not retried", async () => {
    const e = event("price.updated", price({ product: stripeId("prod") }), { unit_amount: 900 });
    expect((await signedWebhook(JSON.stringify(e))).status).toBe(200);
    const [row] = await waitForLedger([e.id], settled);
    expect(row).toMatchObject({ last_error: null });
    expect(row?.processed_at).not.toBeNull();
  });
});
