import type Stripe from "stripe";
import { chargeCard, renewalSucceeds } from "./cards.ts";
import type { Ctx } from "./context.ts";
import { DueQueue } from "./due-queue.ts";
import { StripeApiError } from "./errors.ts";
import type { RequestInfo } from "./events.ts";
import { newId } from "./ids.ts";
import {
  buyerAddress,
  completePaymentSession,
  enteredTaxId,
  needsAddress,
  saveCheckoutTaxId,
} from "./payment-checkout.ts";
import { expireSession, getSession } from "./resources/checkout-sessions.ts";
import { getCustomer, newCustomer, saveCustomer } from "./resources/customers.ts";
import { refreshEntitlements } from "./resources/entitlements.ts";
import { chargeInvoice, markFailed, markPaid, newInvoice } from "./resources/invoices.ts";
import { expirePendingUpdate } from "./resources/plan-change.ts";
import { addInterval } from "./resources/prices.ts";
import { schedulePhaseEnds } from "./resources/subscription-schedules.ts";
import { endSubscription, newSubscription, periodOf, saveSubscription, withPeriod } from "./resources/subscriptions.ts";
import type { SessionState, SubscriptionState } from "./store.ts";

const DAY = 86_400;
/** Failed renewals are retried this many days after the previous failure; after the last, the subscription is canceled. */
export const RENEWAL_RETRY_DAYS = [1, 2, 4];

function nextPeriodEnd(sub: Stripe.Subscription, from: number): number {
  const price = sub.items.data[0]?.price;
  return addInterval(from, price?.recurring?.interval ?? "month", price?.recurring?.interval_count ?? 1);
}

/**
 * What the hosted page's Pay button does: checks the card, creates the customer if needed and the
 * subscription (trialing when the session or price has a trial), pays the first invoice, completes
 * the session, emits the events. A declined card throws a 402 card_error and leaves the session open.
 */
export function completeCheckout(
  ctx: Ctx,
  request: RequestInfo | null,
  sessionId: string,
  input: {
    card: string | null;
    email?: string | null;
    name?: string | null;
    address?: Stripe.Address | null;
    taxId?: string | null;
  },
): Stripe.Checkout.Session {
  let session = getSession(ctx, sessionId, "id");
  const now = ctx.clock.now();
  if (session.status === "open" && session.expires_at <= now) session = expireSession(ctx, null, session);
  if (session.status !== "open")
    throw new StripeApiError(400, "invalid_request_error", `This Checkout Session is ${session.status}.`, {
      code: "checkout_session_not_open",
      param: "id",
    });
  const state = ctx.store.get("session_state", session.id);
  if (!state) throw new StripeApiError(500, "api_error", `Checkout Session ${session.id} lost its line items.`);
  const noCard = input.card === null || input.card.trim() === "";
  if (noCard && !canSkipCard(ctx, session))
    throw new StripeApiError(400, "invalid_request_error", "A card is required to complete this Checkout Session.", {
      code: "parameter_missing",
      param: "card",
    });
  const card = noCard ? "" : chargeCard(input.card ?? "");
  if (session.mode === "payment")
    return completePaymentSession(ctx, request, session, {
      card,
      email: input.email ?? null,
      name: input.name ?? null,
      address: input.address ?? null,
      taxId: input.taxId ?? null,
    });
  const email = session.customer_email ?? input.email ?? null;

  const address = buyerAddress(ctx, session, input.address ?? null);
  if (needsAddress(session) && !address?.country)
    throw new StripeApiError(400, "invalid_request_error", "A billing address (at least its country) is required.", {
      code: "parameter_missing",
      param: "address",
    });
  const taxId = enteredTaxId(ctx, session, input.taxId ?? null);
  let customer: Stripe.Customer;
  if (typeof session.customer === "string") {
    customer = getCustomer(ctx, session.customer, "customer");
    const entered = input.address?.country ? input.address : null;
    customer = saveCustomer(ctx, request, customer, {
      ...customer,
      email: customer.email ?? email,
      address: state.customerUpdate?.address && entered ? entered : customer.address,
      name: state.customerUpdate?.name && input.name ? input.name : (customer.name ?? null),
    });
  } else {
    customer = newCustomer(ctx, request, { email, name: input.name ?? null });
    if (address) customer = saveCustomer(ctx, request, customer, { ...customer, address });
  }
  const taxIds = saveCheckoutTaxId(ctx, request, customer.id, taxId);

  const items = state.lineItems.flatMap((li) => {
    const price = ctx.store.get("price", li.price);
    return price ? [{ price, quantity: li.quantity }] : [];
  });
  const firstPrice = items[0]?.price;
  const trialDays = sessionTrialDays(state, firstPrice);
  const trialEnd = trialDays ? now + trialDays * DAY : null;
  const paymentMethod = card ? newId("pm") : null;
  let sub = newSubscription({
    customer: customer.id,
    items,
    metadata: state.subscriptionMetadata,
    start: now,
    periodEnd:
      trialEnd ??
      addInterval(now, firstPrice?.recurring?.interval ?? "month", firstPrice?.recurring?.interval_count ?? 1),
    trialEnd,
    paymentMethod,
    currency: session.currency,
    automaticTax: session.automatic_tax.enabled,
    ...(state.missingPaymentMethod ? { missingPaymentMethod: state.missingPaymentMethod } : {}),
  });
  const { start, end } = periodOf(sub);
  const invoice = newInvoice(ctx, {
    subscription: sub,
    reason: "subscription_create",
    periodStart: start,
    periodEnd: end,
    trial: trialEnd !== null,
  });
  sub = { ...sub, latest_invoice: invoice.id };
  ctx.store.put("subscription", sub);
  const subState: SubscriptionState = {
    id: sub.id,
    card,
    failedAttempts: 0,
    nextRetryAt: null,
    openInvoice: null,
    trialWillEndSent: false,
  };
  ctx.store.put("subscription_state", subState);
  ctx.events.emit("customer.subscription.created", sub, request);
  const paid = chargeInvoice(ctx, request, invoice);
  refreshEntitlements(ctx, customer.id, request);

  const completed: Stripe.Checkout.Session = {
    ...session,
    status: "complete",
    payment_status: trialEnd ? "no_payment_required" : "paid",
    customer: customer.id,
    customer_details: {
      address: customer.address ?? null,
      business_name: null,
      email: customer.email,
      individual_name: null,
      name: customer.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: taxIds,
    },
    subscription: sub.id,
    invoice: paid.id,
    amount_subtotal: paid.total_excluding_tax ?? paid.subtotal,
    amount_total: paid.amount_paid,
    total_details: {
      amount_discount: 0,
      amount_shipping: 0,
      amount_tax: (paid.total_taxes ?? []).reduce((s, t) => s + t.amount, 0),
    },
    url: null,
  };
  ctx.store.put("checkout_session", completed);
  ctx.events.emit("checkout.session.completed", completed, request);
  return completed;
}

/**
 * The trial a Checkout Session gives: `subscription_data.trial_period_days`, else the price's own
 * `recurring.trial_period_days` only with `trial_from_plan` (as Stripe does). The page, the card
 * rule and the completion all use this.
 */
export function sessionTrialDays(state: SessionState, price: Stripe.Price | undefined): number | null {
  return state.trialPeriodDays ?? (state.trialFromPlan ? (price?.recurring?.trial_period_days ?? null) : null);
}

/** A session that may complete without a card: `payment_method_collection: if_required` and nothing due today (a trial). */
export function canSkipCard(ctx: Ctx, session: Stripe.Checkout.Session): boolean {
  if (session.payment_method_collection !== "if_required") return false;
  const state = ctx.store.get("session_state", session.id);
  const first = state?.lineItems[0];
  const price = first ? ctx.store.get("price", first.price) : undefined;
  return state ? sessionTrialDays(state, price) !== null : false;
}

/** The success URL with `{CHECKOUT_SESSION_ID}` filled in. */
export function successRedirect(session: Stripe.Checkout.Session): string {
  return (session.success_url ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

type Action =
  | "trial_will_end"
  | "pending_expiry"
  | "cancel"
  | "schedule_phase"
  | "retry"
  | "period_end"
  | "session_expiry";
const ranks: Record<Action, number> = {
  trial_will_end: 0,
  pending_expiry: 1,
  cancel: 2,
  schedule_phase: 3,
  retry: 4,
  period_end: 5,
  session_expiry: 6,
};

interface Due {
  at: number;
  rank: number;
  action: Action;
  id: string;
}

function due(at: number, action: Action, id: string): Due {
  return { at, rank: ranks[action], action, id };
}

function activeSchedule(ctx: Ctx, sub: Stripe.Subscription): Stripe.SubscriptionSchedule | undefined {
  const id = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
  const schedule = id ? ctx.store.get("subscription_schedule", id) : undefined;
  return schedule?.status === "active" && schedule.current_phase ? schedule : undefined;
}

/** The next transition a subscription is waiting for, if any. */
function dueFor(ctx: Ctx, sub: Stripe.Subscription, state: SubscriptionState | undefined): Due | null {
  if (
    sub.status === "canceled" ||
    sub.status === "incomplete_expired" ||
    sub.status === "unpaid" ||
    sub.status === "paused"
  )
    return null;
  const candidates: Due[] = [];
  const { end } = periodOf(sub);
  if (sub.status === "trialing" && sub.trial_end && state && !state.trialWillEndSent)
    candidates.push(due(Math.max(sub.start_date, sub.trial_end - 3 * DAY), "trial_will_end", sub.id));
  if (sub.pending_update) candidates.push(due(sub.pending_update.expires_at, "pending_expiry", sub.id));
  if (sub.cancel_at !== null) candidates.push(due(sub.cancel_at, "cancel", sub.id));
  const schedulePhaseEnd = activeSchedule(ctx, sub)?.current_phase?.end_date;
  if (schedulePhaseEnd !== undefined) candidates.push(due(schedulePhaseEnd, "schedule_phase", sub.id));
  if (sub.status === "past_due" && state?.nextRetryAt) candidates.push(due(state.nextRetryAt, "retry", sub.id));
  if (sub.status !== "past_due" && (sub.cancel_at === null || sub.cancel_at > end))
    candidates.push(due(end, "period_end", sub.id));
  let best: Due | null = null;
  for (const c of candidates) if (!best || c.at < best.at || (c.at === best.at && c.rank < best.rank)) best = c;
  return best;
}

/** Renewal or trial end: a new period and its invoice, paid or failed by the card on file. */
function renew(ctx: Ctx, sub: Stripe.Subscription, initial: SubscriptionState): void {
  let state = initial;
  if (sub.status === "trialing" && !state.card && trialEndsWithoutCard(ctx, sub)) return;
  const { end } = periodOf(sub);
  const nextEnd = nextPeriodEnd(sub, end);
  const moved = withPeriod(sub, end, nextEnd);
  const invoice = newInvoice(ctx, {
    subscription: moved,
    reason: "subscription_cycle",
    periodStart: end,
    periodEnd: nextEnd,
    trial: false,
    extraLines: state.pendingLines ?? [],
  });
  if (state.pendingLines?.length) {
    state = { ...state, pendingLines: [] };
    ctx.store.put("subscription_state", state);
  }
  if (renewalSucceeds(state.card)) {
    chargeInvoice(ctx, null, invoice);
    saveSubscription(ctx, null, sub, { ...moved, status: "active", latest_invoice: invoice.id });
    return;
  }
  ctx.events.emit("invoice.created", invoice, null);
  ctx.events.emit("invoice.finalized", invoice, null);
  const retryAt = ctx.clock.now() + (RENEWAL_RETRY_DAYS[0] ?? 1) * DAY;
  const failed = markFailed(ctx, invoice, retryAt);
  ctx.events.emit("invoice.payment_failed", failed, null);
  ctx.store.put("subscription_state", { ...state, failedAttempts: 1, nextRetryAt: retryAt, openInvoice: invoice.id });
  saveSubscription(ctx, null, sub, { ...moved, status: "past_due", latest_invoice: invoice.id });
}

/**
 * A trial ending with no card on file, as `trial_settings.end_behavior.missing_payment_method` says:
 * `cancel` ends the subscription, `pause` pauses it (no invoice); `create_invoice` (false here) goes
 * on to the usual invoice, which then fails.
 */
function trialEndsWithoutCard(ctx: Ctx, sub: Stripe.Subscription): boolean {
  const behaviour = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
  const at = sub.trial_end ?? ctx.clock.now();
  if (behaviour === "cancel") {
    endSubscription(ctx, null, sub, "cancellation_requested", at);
    return true;
  }
  if (behaviour === "pause") {
    const paused = saveSubscription(ctx, null, sub, { ...sub, status: "paused" });
    ctx.events.emit("customer.subscription.paused", paused, null, { status: sub.status });
    return true;
  }
  return false;
}

function retry(ctx: Ctx, sub: Stripe.Subscription, state: SubscriptionState): void {
  const invoice = state.openInvoice ? ctx.store.get("invoice", state.openInvoice) : undefined;
  if (!invoice) {
    ctx.store.put("subscription_state", { ...state, nextRetryAt: null });
    return;
  }
  if (renewalSucceeds(state.card)) {
    const paid = markPaid(ctx, invoice);
    ctx.events.emit("invoice.paid", paid, null);
    ctx.events.emit("invoice.payment_succeeded", paid, null);
    ctx.store.put("subscription_state", { ...state, failedAttempts: 0, nextRetryAt: null, openInvoice: null });
    saveSubscription(ctx, null, sub, { ...sub, status: "active" });
    return;
  }
  const delay = RENEWAL_RETRY_DAYS[state.failedAttempts];
  const nextAt = delay === undefined ? null : ctx.clock.now() + delay * DAY;
  const failed = markFailed(ctx, invoice, nextAt);
  ctx.events.emit("invoice.payment_failed", failed, null);
  if (nextAt === null) {
    ctx.store.put("subscription_state", { ...state, failedAttempts: state.failedAttempts + 1, nextRetryAt: null });
    endSubscription(ctx, null, sub, "payment_failed");
    return;
  }
  ctx.store.put("subscription_state", { ...state, failedAttempts: state.failedAttempts + 1, nextRetryAt: nextAt });
}

function apply(ctx: Ctx, due: Due): void {
  const sub = ctx.store.get("subscription", due.id);
  const state = ctx.store.get("subscription_state", due.id);
  if (!sub || !state) return;
  if (due.action === "trial_will_end") {
    ctx.store.put("subscription_state", { ...state, trialWillEndSent: true });
    ctx.events.emit("customer.subscription.trial_will_end", sub, null);
  } else if (due.action === "schedule_phase") {
    const schedule = activeSchedule(ctx, sub);
    if (schedule) schedulePhaseEnds(ctx, sub, schedule);
  } else if (due.action === "pending_expiry") {
    expirePendingUpdate(ctx, sub);
  } else if (due.action === "cancel") {
    endSubscription(ctx, null, sub, sub.cancellation_details?.reason ?? "cancellation_requested", due.at);
  } else if (due.action === "retry") {
    retry(ctx, sub, state);
  } else {
    renew(ctx, sub, state);
  }
}

export interface AdvanceResult {
  now: number;
  transitions: Array<{ at: number; action: string; id: string }>;
}

/**
 * Moves sandbox time forward by `seconds`, running every due transition in time order:
 * trial_will_end notices, cancellations, renewals and trial ends, failed-payment retries, session expiry.
 * A heap holds each subscription's next transition; after one runs, that subscription is re-queued.
 */
export function advanceClock(ctx: Ctx, seconds: number, maxSteps = 1_000_000): AdvanceResult {
  const target = ctx.clock.now() + seconds;
  const transitions: AdvanceResult["transitions"] = [];
  const queue = new DueQueue<Due>();
  const queueSub = (id: string) => {
    const sub = ctx.store.get("subscription", id);
    const d = sub ? dueFor(ctx, sub, ctx.store.get("subscription_state", id)) : null;
    if (d && d.at <= target) queue.push(d);
  };
  for (const id of ctx.store.ids("subscription")) queueSub(id);
  for (const id of ctx.store.ids("checkout_session")) {
    const s = ctx.store.get("checkout_session", id);
    if (s?.status === "open" && s.expires_at <= target) queue.push(due(s.expires_at, "session_expiry", s.id));
  }
  for (let step = 0; step < maxSteps; step++) {
    const next = queue.pop();
    if (!next) break;
    ctx.clock.moveTo(next.at);
    if (next.action === "session_expiry") {
      const s = ctx.store.get("checkout_session", next.id);
      if (s?.status === "open") {
        expireSession(ctx, null, s);
        transitions.push({ at: next.at, action: "checkout_session_expired", id: next.id });
      }
      continue;
    }
    // Skip stale entries: the subscription may have moved on since this one was queued.
    const sub = ctx.store.get("subscription", next.id);
    const current = sub ? dueFor(ctx, sub, ctx.store.get("subscription_state", next.id)) : null;
    if (!current || current.at !== next.at || current.action !== next.action) {
      queueSub(next.id);
      continue;
    }
    apply(ctx, next);
    transitions.push({ at: next.at, action: next.action, id: next.id });
    queueSub(next.id);
  }
  ctx.clock.moveTo(target);
  return { now: ctx.clock.now(), transitions };
}
