import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, stateError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import { refreshEntitlements } from "./entitlements.ts";
import { customerIdOf } from "./invoices.ts";
import { applyItemChange, type ItemUpdate, paymentBehaviors, prorationBehaviors } from "./plan-change.ts";
import { cancelSchedule } from "./subscription-schedules.ts";

export function getSubscription(ctx: Ctx, id: string, param = "id"): Stripe.Subscription {
  const s = ctx.store.get("subscription", id);
  if (!s) throw resourceMissing("subscription", id, param);
  return s;
}

export function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: null,
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? "month",
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: "licensed",
  };
}

export function newItem(
  subId: string,
  price: Stripe.Price,
  quantity: number,
  start: number,
  end: number,
  created: number,
): Stripe.SubscriptionItem {
  return {
    id: newId("si", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: end,
    current_period_start: start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price,
    quantity,
    subscription: subId,
    tax_rates: [],
  };
}

export interface NewSubscription {
  customer: string;
  items: Array<{ price: Stripe.Price; quantity: number }>;
  metadata: Record<string, string>;
  start: number;
  periodEnd: number;
  trialEnd: number | null;
  /** null: a trial started without a card (`payment_method_collection: if_required`). */
  paymentMethod: string | null;
  missingPaymentMethod?: "cancel" | "pause" | "create_invoice";
  description?: string | null;
  /** The Checkout Session's currency (one of the prices' currency_options); default: the first price's. */
  currency?: string | null;
  /** `automatic_tax[enabled]` from Checkout: invoices carry Stripe Tax's `total_taxes`. */
  automaticTax?: boolean;
}

export function newSubscription(init: NewSubscription): Stripe.Subscription {
  const id = newId("sub");
  const first = init.items[0]?.price;
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: {
      disabled_reason: null,
      enabled: init.automaticTax ?? false,
      liability: init.automaticTax ? { type: "self" } : null,
    },
    billing_cycle_anchor: init.periodEnd > init.start && init.trialEnd ? init.trialEnd : init.start,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: "charge_automatically",
    created: init.start,
    currency: init.currency ?? first?.currency ?? "eur",
    customer: init.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: init.paymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: init.description ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: {
      object: "list",
      data: init.items.map((i) => newItem(id, i.price, i.quantity, init.start, init.periodEnd, init.start)),
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: init.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: init.start,
    status: init.trialEnd ? "trialing" : "active",
    test_clock: null,
    transfer_data: null,
    trial_end: init.trialEnd,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method: init.missingPaymentMethod ?? "create_invoice",
      },
    },
    trial_start: init.trialEnd ? init.start : null,
  };
}

/** The period of the subscription's first item (periods live on items since 2025-03-31). */
export function periodOf(sub: Stripe.Subscription): { start: number; end: number } {
  const item = sub.items.data[0];
  return { start: item?.current_period_start ?? sub.start_date, end: item?.current_period_end ?? sub.start_date };
}

export function withPeriod(sub: Stripe.Subscription, start: number, end: number): Stripe.Subscription {
  return {
    ...sub,
    items: {
      ...sub.items,
      data: sub.items.data.map((i) => ({ ...i, current_period_start: start, current_period_end: end })),
    },
  };
}

/** Replaces a subscription and emits `customer.subscription.updated` with its previous attributes. */
export function saveSubscription(
  ctx: Ctx,
  request: RequestInfo | null,
  old: Stripe.Subscription,
  next: Stripe.Subscription,
): Stripe.Subscription {
  const prev = previousAttributes(old, next);
  if (Object.keys(prev).length === 0) return old;
  ctx.store.put("subscription", next);
  ctx.events.emit("customer.subscription.updated", next, request, prev);
  refreshEntitlements(ctx, customerIdOf(next), request);
  return next;
}

/** Ends a subscription now: status canceled, `customer.subscription.deleted`. */
export function endSubscription(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  at = ctx.clock.now(),
): Stripe.Subscription {
  const ended: Stripe.Subscription = {
    ...sub,
    status: "canceled",
    canceled_at: sub.canceled_at ?? at,
    ended_at: at,
    cancel_at: sub.cancel_at,
    cancellation_details: {
      comment: sub.cancellation_details?.comment ?? null,
      feedback: sub.cancellation_details?.feedback ?? null,
      feedback_option: sub.cancellation_details?.feedback_option ?? null,
      reason,
    },
  };
  ctx.store.put("subscription", ended);
  const state = ctx.store.get("subscription_state", sub.id);
  if (state) ctx.store.put("subscription_state", { ...state, nextRetryAt: null });
  ctx.events.emit("customer.subscription.deleted", ended, request);
  refreshEntitlements(ctx, customerIdOf(ended), request);
  // A schedule managing the subscription ends with it.
  const scheduleId = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
  const schedule = scheduleId ? ctx.store.get("subscription_schedule", scheduleId) : undefined;
  if (schedule && (schedule.status === "active" || schedule.status === "not_started"))
    cancelSchedule(ctx, request, schedule, false);
  return ended;
}

/** Applies cancel_at_period_end / cancel_at / metadata changes (API and portal); items go through plan-change.ts. */
export function changeSubscription(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  change: {
    cancelAtPeriodEnd?: boolean;
    cancelAt?: number | null;
    metadata?: Record<string, string> | null;
    description?: string | null;
    comment?: string | null;
    feedback?: string | null;
  },
): Stripe.Subscription {
  if (sub.status === "canceled" || sub.status === "incomplete_expired")
    throw stateError(
      `A canceled subscription can only update its cancellation_details and metadata. (${sub.id})`,
      "subscription",
    );
  const now = ctx.clock.now();
  const { end } = periodOf(sub);
  let next: Stripe.Subscription = { ...sub };
  const requested = (comment: string | null) => ({
    comment,
    feedback: null,
    feedback_option: null,
    reason: "cancellation_requested" as const,
  });
  if (change.cancelAtPeriodEnd !== undefined) {
    next = change.cancelAtPeriodEnd
      ? {
          ...next,
          cancel_at_period_end: true,
          cancel_at: end,
          canceled_at: now,
          cancellation_details: requested(change.comment ?? null),
        }
      : {
          ...next,
          cancel_at_period_end: false,
          cancel_at: null,
          canceled_at: null,
          cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
        };
  }
  if (change.cancelAt !== undefined) {
    next =
      change.cancelAt === null
        ? {
            ...next,
            cancel_at: null,
            cancel_at_period_end: false,
            canceled_at: null,
            cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
          }
        : {
            ...next,
            cancel_at: change.cancelAt,
            cancel_at_period_end: false,
            canceled_at: now,
            cancellation_details: requested(change.comment ?? null),
          };
  }
  if (change.metadata) next = { ...next, metadata: mergeMetadata(sub.metadata, change.metadata) };
  if (change.description !== undefined) next = { ...next, description: change.description };
  return saveSubscription(ctx, request, sub, next);
}

function parseCancelAt(p: Params, sub: Stripe.Subscription): number | null | undefined {
  if (!p.has("cancel_at")) return undefined;
  const raw = p.str("cancel_at");
  if (raw === null) return null;
  if (raw === "min_period_end" || raw === "max_period_end") return periodOf(sub).end;
  const t = p.int("cancel_at");
  if (t === null) return null;
  return t;
}

function oneOf<T extends string>(values: readonly T[], v: string | null, param: string): T | null {
  if (v === null) return null;
  const hit = values.find((x) => x === v);
  if (!hit) throw invalidParameter(param, `Invalid ${param}: must be one of ${values.join(", ")}`);
  return hit;
}

/** `items[n]` of an update or a preview: only price / quantity changes of existing items. */
export function itemUpdates(p: Params, key = "items", prefix = "items"): ItemUpdate[] {
  return p.objects(key).flatMap((i, n) => {
    if (i.bool("deleted"))
      throw invalidParameter(`${prefix}[${n}][deleted]`, "Removing items is not supported by the stand-in.");
    const itemId = i.str("id");
    if (!itemId)
      throw invalidParameter(
        `${prefix}[${n}][id]`,
        "Adding items is not supported by the stand-in: pass items[n][id].",
      );
    const price = i.str("price");
    const quantity = i.int("quantity");
    if (quantity !== null && quantity < 1)
      throw invalidParameter(`${prefix}[${n}][quantity]`, "Quantity must be at least 1.");
    if (price === null && quantity === null) return [];
    return [{ id: itemId, price: price ?? "", quantity, param: `${prefix}[${n}][price]` }];
  });
}

function update(ctx: Ctx, req: ApiRequest, id: string): Stripe.Subscription {
  const p = new Params(req.params, {
    cancel_at_period_end: "s",
    cancel_at: "s",
    items: [{ id: "s", price: "s", quantity: "s", deleted: "s" }],
    proration_behavior: "s",
    proration_date: "s",
    payment_behavior: "s",
    metadata: "map",
    description: "s",
    cancellation_details: { comment: "s", feedback: "s" },
    expand: "list",
  });
  let sub = getSubscription(ctx, id);
  const updates = itemUpdates(p).map((u) => {
    if (u.price) return u;
    // A quantity-only change keeps the item's price.
    const item = sub.items.data.find((i) => i.id === u.id);
    return { ...u, price: item?.price.id ?? "" };
  });
  const proration = oneOf(prorationBehaviors, p.str("proration_behavior"), "proration_behavior") ?? "create_prorations";
  const payment = oneOf(paymentBehaviors, p.str("payment_behavior"), "payment_behavior") ?? "allow_incomplete";
  const prorationDate = p.int("proration_date");
  if (payment === "pending_if_incomplete") {
    // Stripe's pending updates take only what changes the price (pending updates reference).
    for (const k of ["cancel_at_period_end", "cancel_at", "metadata", "description", "cancellation_details"])
      if (p.has(k))
        throw invalidParameter(
          k,
          `${k} cannot be used with payment_behavior=pending_if_incomplete: pending updates support only items, proration_behavior, proration_date and expand.`,
        );
  }
  if (updates.length === 0 && (p.has("proration_date") || p.has("payment_behavior")) && !p.has("items"))
    throw invalidParameter(
      p.has("proration_date") ? "proration_date" : "payment_behavior",
      "proration_date and payment_behavior only apply to an update of items.",
    );
  if (sub.status === "canceled" || sub.status === "incomplete_expired")
    throw stateError(
      `A canceled subscription can only update its cancellation_details and metadata. (${sub.id})`,
      "subscription",
    );
  if (updates.length) sub = applyItemChange(ctx, req.request, sub, updates, { proration, prorationDate, payment });
  const details = p.obj("cancellation_details");
  const next = changeSubscription(ctx, req.request, sub, {
    ...(p.has("cancel_at_period_end") ? { cancelAtPeriodEnd: p.bool("cancel_at_period_end") ?? false } : {}),
    ...(p.has("cancel_at") ? { cancelAt: parseCancelAt(p, sub) ?? null } : {}),
    metadata: p.map("metadata"),
    ...(p.has("description") ? { description: p.str("description") } : {}),
    comment: details?.str("comment") ?? null,
  });
  return expand(ctx.store, next, p.list("expand"));
}

const statuses = ["active", "trialing", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "paused"];

export const subscriptionRoutes: Route[] = [
  route.get("/subscriptions/:id", (ctx, req, [id = ""]) =>
    expand(ctx.store, getSubscription(ctx, id), new Params(req.params, { expand: "list" }).list("expand")),
  ),
  route.post("/subscriptions/:id", (ctx, req, [id = ""]) => update(ctx, req, id)),
  route.del("/subscriptions/:id", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, {
      invoice_now: "s",
      prorate: "s",
      cancellation_details: { comment: "s", feedback: "s" },
      expand: "list",
    });
    const sub = getSubscription(ctx, id);
    if (sub.status === "canceled")
      throw stateError(`This subscription has already been canceled: ${id}`, "subscription");
    const comment = p.obj("cancellation_details")?.str("comment") ?? null;
    const withComment: Stripe.Subscription = {
      ...sub,
      canceled_at: null,
      cancellation_details: { comment, feedback: null, feedback_option: null, reason: null },
    };
    return expand(
      ctx.store,
      endSubscription(ctx, req.request, withComment, "cancellation_requested"),
      p.list("expand"),
    );
  }),
  route.get("/subscriptions", (ctx, req) => {
    const p = new Params(req.params, {
      ...pageSpec,
      customer: "s",
      status: "s",
      price: "s",
    });
    const customer = p.str("customer");
    const status = p.str("status");
    if (status !== null && status !== "all" && status !== "ended" && !statuses.includes(status))
      throw invalidParameter("status", `Invalid status: ${status}`);
    const price = p.str("price");
    const ids = customer === null ? ctx.store.ids("subscription") : ctx.store.subscriptionIdsOf(customer);
    const page = listPage(
      ids,
      (id) => ctx.store.get("subscription", id),
      (s) =>
        (customer === null || customerIdOf(s) === customer) &&
        (status === "all" ||
          (status === null && s.status !== "canceled" && s.status !== "incomplete_expired") ||
          (status === "ended" && (s.status === "canceled" || s.status === "incomplete_expired")) ||
          s.status === status) &&
        (price === null || s.items.data.some((i) => i.price.id === price)),
      p,
      "/v1/subscriptions",
    );
    return expand(ctx.store, page, p.list("expand"));
  }),
];
