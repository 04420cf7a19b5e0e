// Which events Gatehouse acts on, and the customer each concerns. Pure.
import type Stripe from "stripe";

const SUBSCRIPTION_EVENTS = new Set([
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.pending_update_applied",
  "customer.subscription.pending_update_expired",
  "customer.subscription.trial_will_end",
  "customer.deleted",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.payment_action_required",
  "invoice.marked_uncollectible",
  // A scheduled plan change (subscription schedules) and Stripe's own view of the features.
  "subscription_schedule.created",
  "subscription_schedule.updated",
  "subscription_schedule.released",
  "subscription_schedule.canceled",
  "subscription_schedule.completed",
  "subscription_schedule.aborted",
  "entitlements.active_entitlement_summary.updated",
  // One-time purchases: the payment, refunds (objects that name the customer).
  "payment_intent.succeeded",
  "charge.succeeded",
  "charge.refunded",
  "charge.refund.updated",
  "refund.created",
  "refund.updated",
]);

/** Dispute events carry the charge, not the customer: the charge (re-read) names the customer. */
const DISPUTE_EVENTS = new Set([
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.dispute.closed",
  "charge.dispute.funds_withdrawn",
  "charge.dispute.funds_reinstated",
]);

/** Every event type Gatehouse acts on (the rest are recorded and ignored). */
export const ROUTED_EVENT_TYPES: readonly string[] = [
  ...SUBSCRIPTION_EVENTS,
  ...DISPUTE_EVENTS,
  "product.created",
  "product.updated",
  "product.deleted",
  "price.created",
  "price.updated",
  "price.deleted",
];

export type EventAction =
  | { kind: "sync_customer"; customerId: string }
  | { kind: "sync_customer_of_charge"; chargeId: string }
  | { kind: "sync_product"; product: Stripe.Product }
  | { kind: "sync_price"; price: Stripe.Price }
  | { kind: "ignore"; reason: string };

function idOf(v: unknown): string | null {
  if (typeof v === "string" && v) return v;
  if (v && typeof v === "object" && "id" in v && typeof v.id === "string") return v.id;
  return null;
}

/**
 * Is this invoice one of no subscription (a Checkout post-payment invoice of a one-time purchase)?
 * Read from `parent.subscription_details` (the pinned API version), or the older top-level
 * `subscription`; an invoice showing neither field is not known to be one (false).
 */
export function isInvoiceWithoutSubscription(invoice: Record<string, unknown>): boolean {
  if ("parent" in invoice) {
    const parent = invoice.parent as { subscription_details?: { subscription?: unknown } | null } | null;
    return !idOf(parent?.subscription_details?.subscription);
  }
  return "subscription" in invoice && !idOf(invoice.subscription);
}

export function routeEvent(event: Stripe.Event): EventAction {
  const object = event.data.object as unknown as Record<string, unknown>;
  if (SUBSCRIPTION_EVENTS.has(event.type)) {
    const customerId = event.type === "customer.deleted" ? idOf(object.id) : idOf(object.customer);
    if (!customerId) return { kind: "ignore", reason: "no customer on the object" };
    if (event.type.startsWith("checkout.session.") && object.mode !== "subscription" && object.mode !== "payment") {
      return { kind: "ignore", reason: "not a subscription or payment checkout" };
    }
    // A purchase's invoice changes nothing the subscriptions hold; the purchase itself is read from
    // its session, payment intent and charge, whose own events bring that sync.
    if (event.type.startsWith("invoice.") && isInvoiceWithoutSubscription(object)) {
      return { kind: "ignore", reason: "an invoice of no subscription (a one-time purchase's)" };
    }
    return { kind: "sync_customer", customerId };
  }
  if (DISPUTE_EVENTS.has(event.type)) {
    const chargeId = idOf(object.charge);
    if (!chargeId) return { kind: "ignore", reason: "no charge on the dispute" };
    return { kind: "sync_customer_of_charge", chargeId };
  }
  if (event.type.startsWith("product.")) return { kind: "sync_product", product: event.data.object as Stripe.Product };
  if (event.type.startsWith("price.")) return { kind: "sync_price", price: event.data.object as Stripe.Price };
  return { kind: "ignore", reason: `Gatehouse does not use ${event.type}` };
}

export function customerOf(action: EventAction): string | null {
  return action.kind === "sync_customer" ? action.customerId : null;
}
