import type { EmittedType } from "../events.ts";

/**
 * Which type of the installed `stripe` package describes each object the stand-in answers with, by
 * its `object` field: `[module under stripe/esm/resources, exported type, type of its deleted form]`.
 * The conformance check generates a JSON Schema for each from the package's `.d.ts` files.
 * A new kind of object needs one line here (see the stand-in's README, "Conformance").
 */
export const OBJECT_TYPES: Record<string, readonly [module: string, type: string, deleted?: string]> = {
  "billing_portal.configuration": ["BillingPortal/Configurations", "Configuration"],
  charge: ["Charges", "Charge"],
  dispute: ["Disputes", "Dispute"],
  payment_intent: ["PaymentIntents", "PaymentIntent"],
  refund: ["Refunds", "Refund"],
  "billing_portal.session": ["BillingPortal/Sessions", "Session"],
  "checkout.session": ["Checkout/Sessions", "Session"],
  customer: ["Customers", "Customer", "DeletedCustomer"],
  "entitlements.active_entitlement": ["Entitlements/ActiveEntitlements", "ActiveEntitlement"],
  "entitlements.active_entitlement_summary": ["Entitlements/ActiveEntitlementSummaries", "ActiveEntitlementSummary"],
  "entitlements.feature": ["Entitlements/Features", "Feature"],
  invoice: ["Invoices", "Invoice", "DeletedInvoice"],
  /** A Checkout Session's line item. */
  item: ["LineItems", "LineItem"],
  /** An invoice's line item. */
  line_item: ["InvoiceLineItems", "InvoiceLineItem"],
  plan: ["Plans", "Plan", "DeletedPlan"],
  price: ["Prices", "Price", "DeletedPrice"],
  product: ["Products", "Product", "DeletedProduct"],
  product_feature: ["ProductFeatures", "ProductFeature", "DeletedProductFeature"],
  subscription: ["Subscriptions", "Subscription"],
  subscription_item: ["SubscriptionItems", "SubscriptionItem", "DeletedSubscriptionItem"],
  subscription_schedule: ["SubscriptionSchedules", "SubscriptionSchedule"],
  tax_id: ["TaxIds", "TaxId", "DeletedTaxId"],
  webhook_endpoint: ["WebhookEndpoints", "WebhookEndpoint", "DeletedWebhookEndpoint"],
};

/**
 * Every event type the stand-in emits (`EmittedType` in events.ts), as a list the schema generator
 * reads. Adding a type to `EmittedType` without adding it here fails typecheck, naming it.
 */
export const EVENT_TYPES = [
  "checkout.session.completed",
  "checkout.session.expired",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.tax_id.created",
  "customer.tax_id.deleted",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.trial_will_end",
  "customer.subscription.paused",
  "customer.subscription.pending_update_applied",
  "customer.subscription.pending_update_expired",
  "entitlements.active_entitlement_summary.updated",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.voided",
  "subscription_schedule.created",
  "subscription_schedule.updated",
  "subscription_schedule.released",
  "subscription_schedule.canceled",
  "subscription_schedule.completed",
  "product.created",
  "product.updated",
  "price.created",
  "price.updated",
  "payment_intent.created",
  "payment_intent.succeeded",
  "charge.succeeded",
  "charge.refunded",
  "refund.created",
  "charge.dispute.created",
  "charge.dispute.funds_withdrawn",
  "charge.dispute.closed",
  "charge.dispute.funds_reinstated",
] as const satisfies readonly EmittedType[];

type Unlisted = Exclude<EmittedType, (typeof EVENT_TYPES)[number]>;
/** Fails to compile with the missing type's name when EVENT_TYPES lacks one the stand-in emits. */
export const everyEmittedTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** `customer.subscription.created` → `CustomerSubscriptionCreatedEvent`, the name stripe-node gives its type. */
export function eventTypeName(type: string): string {
  const pascal = type
    .split(/[._]/)
    .map((w) => (w ? `${w[0]?.toUpperCase()}${w.slice(1)}` : ""))
    .join("");
  return `${pascal}Event`;
}
