import type Stripe from "stripe";
import { offSessionSucceeds } from "../cards.ts";
import type { Ctx } from "../context.ts";
import { cardDeclined, invalidParameter, stateError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { prorate, prorationDescription } from "../proration.ts";
import type { SubscriptionState } from "../store.ts";
import { type LineSpec, markFailed, newInvoice, periodLines, productIdOf, settleInvoice } from "./invoices.ts";
import { addInterval, getPrice, priceIn, requirePriceIn } from "./prices.ts";
import { periodOf, planOf, saveSubscription, withPeriod } from "./subscriptions.ts";

export const prorationBehaviors = ["create_prorations", "always_invoice", "none"] as const;
export type ProrationBehavior = (typeof prorationBehaviors)[number];
export const paymentBehaviors = [
  "allow_incomplete",
  "default_incomplete",
  "error_if_incomplete",
  "pending_if_incomplete",
] as const;
export type PaymentBehavior = (typeof paymentBehaviors)[number];

/** Stripe keeps a failed pending update at most this long (or until the period ends, if sooner). */
export const PENDING_UPDATE_TTL = 23 * 3600;
const DAY = 86_400;

export interface ItemUpdate {
  id: string;
  price: string;
  quantity: number | null;
  /** The parameter name to blame in errors (`items[0][price]`). */
  param: string;
}

export interface PlannedChange {
  /** The subscription as it is once the change applies (items, and a new period on a cycle reset). */
  next: Stripe.Subscription;
  /** Lines invoiced at once (always_invoice, or a billing cycle reset); null when nothing is invoiced now. */
  invoiceNow: LineSpec[] | null;
  /** Proration lines left for the next invoice (create_prorations). */
  pendingLines: LineSpec[];
  /** The change moves to another billing interval: the cycle restarts now. */
  cycleReset: boolean;
  invoicePeriod: { start: number; end: number };
}

function intervalOf(price: Stripe.Price): string {
  return `${price.recurring?.interval_count ?? 1}/${price.recurring?.interval ?? "month"}`;
}

function productName(ctx: Ctx, price: Stripe.Price): string {
  const id = productIdOf(price);
  return ctx.store.get("product", id)?.name ?? id;
}

/**
 * What an item change does, computed without storing anything: the subscription after it and the
 * lines Stripe would invoice (now, or on the next invoice). The preview and the update share it.
 */
export function planChange(
  ctx: Ctx,
  sub: Stripe.Subscription,
  updates: ItemUpdate[],
  opts: { proration: ProrationBehavior; prorationDate: number | null },
): PlannedChange {
  const now = ctx.clock.now();
  const { start, end } = periodOf(sub);
  const at = opts.prorationDate ?? now;
  if (opts.prorationDate !== null && (opts.prorationDate < start || opts.prorationDate > end))
    throw invalidParameter(
      "proration_date",
      `proration_date must be within the current period of ${sub.id} (${start} to ${end}).`,
    );
  let items = sub.items.data;
  for (const u of updates) {
    const idx = items.findIndex((i) => i.id === u.id);
    if (idx < 0)
      throw invalidParameter(
        u.param.replace("[price]", "[id]"),
        `Invalid subscription item: '${u.id}' is not on ${sub.id}.`,
      );
    const price = getPrice(ctx, u.price, u.param);
    if (!price.recurring) throw invalidParameter(u.param, "The price must be a recurring price.");
    if (!price.active) throw invalidParameter(u.param, `The price ${price.id} is not active.`);
    requirePriceIn(ctx, price, sub.currency, u.param);
    items = items.map((item, i) =>
      i === idx ? { ...item, price, plan: planOf(price), quantity: u.quantity ?? item.quantity } : item,
    );
  }
  const before = sub.items.data;
  const first = items[0]?.price;
  const cycleReset =
    sub.status !== "trialing" &&
    first !== undefined &&
    before[0] !== undefined &&
    intervalOf(first) !== intervalOf(before[0].price);
  let next: Stripe.Subscription = { ...sub, items: { ...sub.items, data: items } };
  if (sub.status === "trialing") {
    // Nothing is charged during a trial: the price changes, the trial goes on.
    return { next, invoiceNow: null, pendingLines: [], cycleReset: false, invoicePeriod: { start, end } };
  }
  const lines: LineSpec[] = [];
  const amountIn = (price: Stripe.Price) => priceIn(ctx, price, sub.currency)?.unitAmount ?? price.unit_amount ?? 0;
  if (opts.proration !== "none") {
    before.forEach((old, i) => {
      const neu = items[i];
      if (!neu) return;
      const oldQty = old.quantity ?? 1;
      const newQty = neu.quantity ?? 1;
      if (!cycleReset && old.price.id === neu.price.id && oldQty === newQty) return;
      const p = prorate(
        {
          // In the subscription's currency: the price's own amount or its currency option's.
          oldAmount: amountIn(old.price) * oldQty,
          newAmount: amountIn(neu.price) * newQty,
          periodStart: start,
          periodEnd: end,
          at,
        },
        cycleReset,
      );
      const line = (side: "unused" | "remaining", item: typeof old, quantity: number, amount: number): LineSpec => ({
        description: prorationDescription(side, productName(ctx, item.price), quantity, at),
        amount,
        price: item.price,
        quantity,
        subscriptionItem: item.id,
        period: { start: at, end },
        proration: true,
      });
      if (p.credit !== 0) lines.push(line("unused", old, oldQty, p.credit));
      if (p.charge !== 0) lines.push(line("remaining", neu, newQty, p.charge));
    });
  }
  if (cycleReset && first) {
    const newEnd = addInterval(now, first.recurring?.interval ?? "month", first.recurring?.interval_count ?? 1);
    next = { ...withPeriod(next, now, newEnd), billing_cycle_anchor: now };
    return {
      next,
      invoiceNow: [...lines, ...periodLines(ctx, next, now, newEnd, false)],
      pendingLines: [],
      cycleReset,
      invoicePeriod: { start: now, end: newEnd },
    };
  }
  if (opts.proration === "always_invoice")
    return {
      next,
      invoiceNow: lines.length ? lines : null,
      pendingLines: [],
      cycleReset,
      invoicePeriod: { start: at, end },
    };
  return { next, invoiceNow: null, pendingLines: lines, cycleReset, invoicePeriod: { start: at, end } };
}

function stateOf(ctx: Ctx, sub: Stripe.Subscription): SubscriptionState {
  return (
    ctx.store.get("subscription_state", sub.id) ?? {
      id: sub.id,
      card: "",
      failedAttempts: 0,
      nextRetryAt: null,
      openInvoice: null,
      trialWillEndSent: false,
    }
  );
}

/** Pays a just-created invoice with the card on file; emits created, finalized and paid or payment_failed. */
function collect(
  ctx: Ctx,
  request: RequestInfo | null,
  invoice: Stripe.Invoice,
  card: string,
  nextAttempt: number | null,
): { paid: boolean; invoice: Stripe.Invoice } {
  ctx.events.emit("invoice.created", invoice, request);
  ctx.events.emit("invoice.finalized", invoice, request);
  if (invoice.amount_due === 0 || offSessionSucceeds(card)) {
    return { paid: true, invoice: settleInvoice(ctx, request, invoice) };
  }
  const failed = markFailed(ctx, invoice, nextAttempt);
  ctx.events.emit("invoice.payment_failed", failed, request);
  return { paid: false, invoice: failed };
}

/**
 * `subscriptions.update` with new item prices (and the hosted portal's switch): prorations per
 * `proration_behavior`, an invoice at once for `always_invoice` or an interval change, paid with the
 * card on file. A failed payment: `error_if_incomplete` → 402, nothing changes; `pending_if_incomplete`
 * → the old plan stays and `pending_update` holds the change until the invoice is paid or the update
 * expires; otherwise the change applies and the subscription is past_due.
 */
export function applyItemChange(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  updates: ItemUpdate[],
  opts: { proration: ProrationBehavior; prorationDate: number | null; payment: PaymentBehavior },
): Stripe.Subscription {
  if (sub.pending_update)
    throw stateError(
      `The subscription ${sub.id} has a pending update: pay its latest invoice or wait until it expires before changing it again.`,
      "items",
    );
  const plan = planChange(ctx, sub, updates, opts);
  const state = stateOf(ctx, sub);
  if (!plan.invoiceNow) {
    const saved = saveSubscription(ctx, request, sub, plan.next);
    if (plan.pendingLines.length)
      ctx.store.put("subscription_state", {
        ...state,
        pendingLines: [...(state.pendingLines ?? []), ...plan.pendingLines],
      });
    return saved;
  }
  const now = ctx.clock.now();
  const compose = {
    subscription: plan.next,
    reason: "subscription_update" as const,
    periodStart: plan.invoicePeriod.start,
    periodEnd: plan.invoicePeriod.end,
    trial: false,
    lines: plan.invoiceNow,
    // Prorations left by earlier changes go on the next invoice made, this one.
    ...(state.pendingLines?.length ? { extraLines: state.pendingLines } : {}),
  };
  const carried = state.pendingLines ?? [];
  if (opts.payment === "error_if_incomplete" && !offSessionSucceeds(state.card)) {
    // Refused before anything is stored, as Stripe leaves the subscription untouched.
    const total = plan.invoiceNow.reduce((s, l) => s + l.amount, 0);
    if (total > 0) throw cardDeclined();
  }
  const invoice = newInvoice(ctx, compose);
  const retryAt = now + DAY;
  const pendingPayment = opts.payment === "pending_if_incomplete";
  const result = collect(ctx, request, invoice, state.card, pendingPayment ? null : retryAt);
  if (carried.length) ctx.store.put("subscription_state", { ...stateOf(ctx, sub), pendingLines: [] });
  if (result.paid) return saveSubscription(ctx, request, sub, { ...plan.next, latest_invoice: invoice.id });
  if (pendingPayment) {
    const { end } = periodOf(sub);
    const expiresAt = Math.min(now + PENDING_UPDATE_TTL, end, sub.trial_end ?? end);
    const pending: Stripe.Subscription.PendingUpdate = {
      billing_cycle_anchor: plan.cycleReset ? plan.next.billing_cycle_anchor : null,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      expires_at: expiresAt,
      metadata: null,
      subscription_items: plan.next.items.data,
      trial_end: null,
      trial_from_plan: null,
    };
    ctx.store.put("subscription_state", {
      ...stateOf(ctx, sub),
      pendingChange: {
        invoice: invoice.id,
        items: plan.next.items.data,
        period: plan.cycleReset ? periodOf(plan.next) : null,
        billingCycleAnchor: plan.cycleReset ? plan.next.billing_cycle_anchor : null,
        carriedLines: carried,
      },
    });
    return saveSubscription(ctx, request, sub, { ...sub, pending_update: pending, latest_invoice: invoice.id });
  }
  ctx.store.put("subscription_state", {
    ...stateOf(ctx, sub),
    failedAttempts: 1,
    nextRetryAt: retryAt,
    openInvoice: invoice.id,
  });
  return saveSubscription(ctx, request, sub, { ...plan.next, status: "past_due", latest_invoice: invoice.id });
}

/** The pending update is paid: its changes apply, `pending_update` clears, `…pending_update_applied`. */
export function applyPendingUpdate(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
): Stripe.Subscription {
  const state = stateOf(ctx, sub);
  const change = state.pendingChange;
  if (!change) return sub;
  let next: Stripe.Subscription = { ...sub, pending_update: null, items: { ...sub.items, data: change.items } };
  if (change.period) next = withPeriod(next, change.period.start, change.period.end);
  if (change.billingCycleAnchor !== null) next = { ...next, billing_cycle_anchor: change.billingCycleAnchor };
  ctx.store.put("subscription_state", { ...state, pendingChange: null });
  const saved = saveSubscription(ctx, request, sub, next);
  ctx.events.emit("customer.subscription.pending_update_applied", saved, request, {
    pending_update: sub.pending_update,
  });
  return saved;
}

/** Voids an open invoice (`invoice.voided`); `changes` are further fields to set on it. */
function markVoid(
  ctx: Ctx,
  request: RequestInfo | null,
  invoice: Stripe.Invoice,
  changes: Partial<Stripe.Invoice> = {},
): Stripe.Invoice {
  const voided: Stripe.Invoice = {
    ...invoice,
    status: "void",
    amount_remaining: 0,
    ...changes,
    status_transitions: { ...invoice.status_transitions, voided_at: ctx.clock.now() },
  };
  ctx.store.put("invoice", voided);
  ctx.events.emit("invoice.voided", voided, request, { status: "open" });
  return voided;
}

/** Drops a pending update: the plan stays, the prorations it carried go back to the pending lines. */
function discardPendingChange(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  state: SubscriptionState,
): Stripe.Subscription {
  ctx.store.put("subscription_state", {
    ...state,
    pendingChange: null,
    pendingLines: [...(state.pendingChange?.carriedLines ?? []), ...(state.pendingLines ?? [])],
  });
  return saveSubscription(ctx, request, sub, { ...sub, pending_update: null });
}

/**
 * `POST /v1/invoices/:id/void`: an open invoice is voided (`invoice.voided`); voiding the invoice
 * of a pending update cancels that update (`pending_update` cleared, the plan unchanged).
 */
export function voidInvoice(ctx: Ctx, request: RequestInfo | null, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open")
    throw stateError(
      `Invoice ${invoice.id} is ${invoice.status ?? "draft"}: only open invoices can be voided.`,
      "invoice",
    );
  const voided = markVoid(ctx, request, invoice, { next_payment_attempt: null });
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = typeof subId === "string" ? ctx.store.get("subscription", subId) : undefined;
  if (!sub) return voided;
  const state = stateOf(ctx, sub);
  if (state.pendingChange?.invoice === invoice.id) {
    discardPendingChange(ctx, request, sub, state);
  } else if (state.openInvoice === invoice.id) {
    ctx.store.put("subscription_state", { ...state, openInvoice: null, nextRetryAt: null, failedAttempts: 0 });
  }
  return voided;
}

/** The pending update expired unpaid: its invoice is voided, the change discarded. */
export function expirePendingUpdate(ctx: Ctx, sub: Stripe.Subscription): Stripe.Subscription {
  const state = stateOf(ctx, sub);
  const invoiceId = state.pendingChange?.invoice;
  const invoice = invoiceId ? ctx.store.get("invoice", invoiceId) : undefined;
  if (invoice && invoice.status === "open") markVoid(ctx, null, invoice);
  const saved = discardPendingChange(ctx, null, sub, state);
  ctx.events.emit("customer.subscription.pending_update_expired", saved, null, { pending_update: sub.pending_update });
  return saved;
}

/**
 * `POST /v1/invoices/:id/pay`: charges an open invoice with the subscription's card. Paid: a pending
 * update applies, a past_due subscription turns active. Declined: 402 card_error.
 */
export function payInvoice(ctx: Ctx, request: RequestInfo | null, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open")
    throw stateError(
      `Invoice ${invoice.id} is ${invoice.status ?? "draft"}: only open invoices can be paid.`,
      "invoice",
    );
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = typeof subId === "string" ? ctx.store.get("subscription", subId) : undefined;
  const state = sub ? stateOf(ctx, sub) : null;
  if (!state || !offSessionSucceeds(state.card)) {
    const failed = markFailed(ctx, invoice, invoice.next_payment_attempt);
    ctx.events.emit("invoice.payment_failed", failed, request);
    throw cardDeclined();
  }
  const paid = settleInvoice(ctx, request, invoice);
  if (!sub) return paid;
  if (state.pendingChange?.invoice === invoice.id) applyPendingUpdate(ctx, request, sub);
  else if (state.openInvoice === invoice.id) {
    ctx.store.put("subscription_state", { ...state, failedAttempts: 0, nextRetryAt: null, openInvoice: null });
    if (sub.status === "past_due") saveSubscription(ctx, request, sub, { ...sub, status: "active" });
  }
  return paid;
}
