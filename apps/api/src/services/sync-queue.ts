// The messages of the SYNC_QUEUE (queue gatehouse-sync): what a webhook hands to the consumer.
// A customer's events carry only ids (the consumer re-reads the customer from Stripe anyway) and
// whether the event can concern a one-time purchase (isPaymentEvent, @gatehouse/billing: the
// consumer re-reads the purchases only then, or for a customer who has some). A catalog event
// carries the event's copy of the object, used only if Stripe no longer has it.

import type { EventAction } from "@gatehouse/billing";
import type Stripe from "stripe";

export type SyncMessage =
  | { kind: "customer"; customerId: string; eventId: string; payment: boolean }
  | { kind: "product"; eventId: string; product: Stripe.Product }
  | { kind: "price"; eventId: string; price: Stripe.Price };

/** The message for an event Gatehouse acts on; null for the ones it ignores. */
export function messageFor(action: EventAction, eventId: string, payment: boolean): SyncMessage | null {
  switch (action.kind) {
    case "sync_customer":
      return { kind: "customer", customerId: action.customerId, eventId, payment };
    case "sync_product":
      return { kind: "product", eventId, product: action.product };
    case "sync_price":
      return { kind: "price", eventId, price: action.price };
    case "ignore":
    case "sync_customer_of_charge":
      // Resolved to its customer before it is queued (resolve-charge-customer.ts).
      return null;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isId = (v: unknown, prefix: string): v is string =>
  typeof v === "string" && v.length > prefix.length && v.startsWith(prefix);

/** A queue body as a SyncMessage, or null if it is not one (such a message is dropped, not retried). */
export function parseSyncMessage(body: unknown): SyncMessage | null {
  if (!isObj(body) || !isId(body.eventId, "evt_")) return null;
  // A message without `payment` (sent before it existed) counts as a payment event, to be safe.
  if (body.kind === "customer" && isId(body.customerId, "cus_"))
    return { kind: "customer", customerId: body.customerId, eventId: body.eventId, payment: body.payment !== false };
  if (body.kind === "product" && isObj(body.product) && isId(body.product.id, ""))
    return { kind: "product", eventId: body.eventId, product: body.product as unknown as Stripe.Product };
  if (body.kind === "price" && isObj(body.price) && isId(body.price.id, ""))
    return { kind: "price", eventId: body.eventId, price: body.price as unknown as Stripe.Price };
  return null;
}
