// A customer's one-time purchases, re-read from Stripe: every complete payment-mode Checkout
// Session, its payment intent with the latest charge, and that charge's disputes when it has any.
// Never an event's copy. purchaseOf (@gatehouse/billing) decides what each is worth.

import { type PurchaseFacts, purchaseOf } from "@gatehouse/billing";
import type Stripe from "stripe";
import { UpstreamError } from "../errors.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";

const MAX_PAGES = 10;

async function paidPaymentSessions(stripe: Stripe, customer: string): Promise<Stripe.Checkout.Session[]> {
  const out: Stripe.Checkout.Session[] = [];
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res: Stripe.ApiList<Stripe.Checkout.Session>;
    try {
      res = await stripeCall("checkout.sessions.list", () =>
        stripe.checkout.sessions.list({
          customer,
          status: "complete",
          limit: 100,
          expand: ["data.line_items"],
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
    } catch (e) {
      if (isMissingStripeObject(e)) return [];
      throw e;
    }
    if (!Array.isArray(res.data)) throw new UpstreamError("stripe", "checkout.sessions.list returned no list");
    out.push(...res.data.filter((s) => s.mode === "payment" && s.payment_status === "paid"));
    const last = res.data.at(-1);
    if (!res.has_more || !last) break;
    startingAfter = last.id;
  }
  return out;
}

async function disputesOf(stripe: Stripe, charge: string): Promise<Stripe.Dispute[]> {
  const res = await stripeCall("disputes.list", () => stripe.disputes.list({ charge, limit: 100 }));
  return res.data;
}

/** Every paid one-time purchase of the customer as Stripe has it now (refunded and disputed included). */
export async function readPurchases(stripe: Stripe, customer: string): Promise<PurchaseFacts[]> {
  const sessions = await paidPaymentSessions(stripe, customer);
  const out: PurchaseFacts[] = [];
  for (const session of sessions) {
    const intentId = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
    if (!intentId) continue;
    const intent = await stripeCall("paymentIntents.retrieve", () =>
      stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] }),
    );
    const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
    const disputes = charge?.disputed ? await disputesOf(stripe, charge.id) : [];
    const price = session.line_items?.data[0]?.price ?? null;
    const facts = purchaseOf(session, intent, charge, disputes, price);
    if (facts) out.push(facts);
  }
  return out;
}

/**
 * A lifetime owner needs no subscription: each of theirs that would renew is set to end at the
 * period's end (access continues meanwhile, and the purchase keeps it after). Idempotent.
 */
export async function endSubscriptionsOfOwner(
  stripe: Stripe,
  subscriptions: readonly Stripe.Subscription[],
): Promise<string[]> {
  const ended: string[] = [];
  for (const sub of subscriptions) {
    const renews =
      ["active", "trialing", "past_due"].includes(sub.status) && !sub.cancel_at_period_end && !sub.cancel_at;
    if (!renews) continue;
    await stripeCall("subscriptions.update", () =>
      stripe.subscriptions.update(
        sub.id,
        { cancel_at_period_end: true, metadata: { ended_by: "lifetime_purchase" } },
        { idempotencyKey: `gatehouse-lifetime-ends-${sub.id}` },
      ),
    );
    ended.push(sub.id);
  }
  return ended;
}
