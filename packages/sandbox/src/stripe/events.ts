import type Stripe from "stripe";
import { newId } from "./ids.ts";
import type { Store } from "./store.ts";

export const API_VERSION = "2026-10-28.endive";

/** The event types the stand-in emits. */
export type EmittedType =
  | "checkout.session.completed"
  | "checkout.session.expired"
  | "customer.created"
  | "customer.updated"
  | "customer.deleted"
  | "customer.tax_id.created"
  | "customer.tax_id.deleted"
  | "customer.subscription.created"
  | "customer.subscription.updated"
  | "customer.subscription.deleted"
  | "customer.subscription.trial_will_end"
  | "customer.subscription.paused"
  | "customer.subscription.pending_update_applied"
  | "customer.subscription.pending_update_expired"
  | "entitlements.active_entitlement_summary.updated"
  | "invoice.created"
  | "invoice.finalized"
  | "invoice.paid"
  | "invoice.payment_succeeded"
  | "invoice.payment_failed"
  | "invoice.voided"
  | "subscription_schedule.created"
  | "subscription_schedule.updated"
  | "subscription_schedule.released"
  | "subscription_schedule.canceled"
  | "subscription_schedule.completed"
  | "product.created"
  | "product.updated"
  | "price.created"
  | "price.updated"
  | "payment_intent.created"
  | "payment_intent.succeeded"
  | "charge.succeeded"
  | "charge.refunded"
  | "refund.created"
  | "charge.dispute.created"
  | "charge.dispute.funds_withdrawn"
  | "charge.dispute.closed"
  | "charge.dispute.funds_reinstated";

export type EventOf<T extends EmittedType> = Extract<Stripe.Event, { type: T }>;
export type ObjectOf<T extends EmittedType> = EventOf<T>["data"]["object"];

export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

/** Does `pattern` (an `enabled_events` entry: `*`, `customer.*`, or an exact type) match `type`? */
export function eventMatches(patterns: readonly string[], type: string): boolean {
  for (const p of patterns) {
    if (p === "*" || p === type) return true;
    if (p.endsWith(".*") && type.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

/** Keys of `before` whose values differ in `after`, with their old values (Stripe's previous_attributes). */
export function previousAttributes<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(before) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = before[key];
  }
  return out;
}

/** Creates and stores Stripe Event objects, and hands each one to delivery once it is durable. */
export class EventLog {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly endpointsFor: (type: string) => number;
  private fresh: Stripe.Event[] = [];

  constructor(store: Store, now: () => number, endpointsFor: (type: string) => number) {
    this.store = store;
    this.now = now;
    this.endpointsFor = endpointsFor;
  }

  emit<T extends EmittedType>(
    type: T,
    object: ObjectOf<T>,
    request: RequestInfo | null,
    previous?: Partial<ObjectOf<T>>,
  ): void {
    const data: { object: ObjectOf<T>; previous_attributes?: Partial<ObjectOf<T>> } = { object };
    if (previous && Object.keys(previous).length > 0) data.previous_attributes = previous;
    // Building one member of the Event union from its type tag needs this one assertion.
    const event = {
      id: newId("evt"),
      object: "event",
      api_version: API_VERSION,
      created: this.now(),
      data,
      livemode: false,
      pending_webhooks: this.endpointsFor(type),
      request: request
        ? { id: request.id, idempotency_key: request.idempotencyKey }
        : { id: null, idempotency_key: null },
      type,
    } as EventOf<T>;
    this.store.put("event", event);
    this.fresh.push(event);
  }

  /** Events emitted since the last call (the caller delivers them after committing). */
  drain(): Stripe.Event[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
