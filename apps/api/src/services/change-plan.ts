// POST/DELETE /api/billing/change-plan(/preview): switch the caller's subscription to another
// price. An upgrade applies now: prorated, invoiced at once, and only if that invoice is paid
// (payment_behavior pending_if_incomplete keeps the old plan otherwise). A downgrade or a shorter
// interval waits for the end of the period through a subscription schedule. The preview comes from
// invoices.createPreview with the proration date the confirmation then uses.
import { type PlanChangeTiming, type PlanPriceFacts, planChangeTiming, switchAtPeriodEnd } from "@gatehouse/billing";
import type { ChangePlanPreviewResponse, EntitlementView } from "@gatehouse/types";
import type { ChangePlanContext, PlanPriceRow } from "@gatehouse/types/db-functions";
import Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { callRpc } from "./call-rpc.ts";
import { toEntitlementView } from "./entitlement-view.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";
import { syncCustomer } from "./sync-customer.ts";
import { readEntitlement } from "./sync-user.ts";

/** A price of the context with what a switch needs: an amount and an interval. */
type PlanPrice = PlanPriceRow & PlanPriceFacts;

/** The price, if it has an amount and an interval (a recurring price of the catalog does). */
function recurring(price: PlanPriceRow | null): PlanPrice | null {
  if (!price || price.unitAmount === null || price.interval === null) return null;
  return { ...price, unitAmount: price.unitAmount, interval: price.interval };
}

/** What a validated change is: the subscription, both prices and when the switch applies. */
interface Change {
  customerId: string;
  subscriptionId: string;
  current: PlanPrice;
  target: PlanPrice;
  timing: PlanChangeTiming;
  ctx: ChangePlanContext;
}

const BLOCKED_STATUSES = new Set(["past_due", "unpaid", "incomplete", "paused"]);

async function context(s: Services, userId: string, priceId: string | null): Promise<ChangePlanContext> {
  return callRpc(s.db, "change_plan_context", { p_user_id: userId, p_price_id: priceId });
}

function requireSubscription(ctx: ChangePlanContext): NonNullable<ChangePlanContext["subscription"]> & {
  customerId: string;
} {
  const sub = ctx.subscription;
  if (!sub || !ctx.customerId) {
    throw new ApiError("no_subscription", "You have no subscription to change: subscribe to a plan first");
  }
  if (BLOCKED_STATUSES.has(sub.status)) {
    throw new ApiError(
      "subscription_past_due",
      `Your subscription is ${sub.status.replace("_", " ")}: fix the payment in the billing portal first, then change your plan`,
    );
  }
  return { ...sub, customerId: ctx.customerId };
}

async function validate(s: Services, user: AuthUser, priceId: string): Promise<Change> {
  const ctx = await context(s, user.id, priceId);
  const target = recurring(ctx.target);
  if (!target?.sellable) {
    throw new ApiError("invalid_price", `Price ${priceId} is not an active subscription price of a Gatehouse plan`);
  }
  const sub = requireSubscription(ctx);
  const current = recurring(ctx.current);
  if (!current || sub.priceId === null) {
    throw new ApiError("no_subscription", "Your subscription is not on a Gatehouse plan: manage it in the portal");
  }
  if (sub.priceId === priceId) throw new ApiError("same_plan", "You are already on this plan and billing period");
  if (target.currency !== current.currency) {
    throw new ApiError("invalid_price", `Price ${priceId} is in another currency than your subscription`);
  }
  return {
    customerId: sub.customerId,
    subscriptionId: sub.id,
    current,
    target,
    timing: planChangeTiming(current, target),
    ctx,
  };
}

async function retrieveSubscription(s: Services, id: string): Promise<Stripe.Subscription> {
  return stripeCall("subscriptions.retrieve", () => s.stripe.subscriptions.retrieve(id));
}

function itemOf(sub: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = sub.items.data[0];
  if (!item) throw new ApiError("no_subscription", "Your subscription has no plan to change");
  return item;
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function previewLines(invoice: Stripe.Invoice): ChangePlanPreviewResponse["lines"] {
  return invoice.lines.data.map((line) => ({ description: line.description ?? "", amount: line.amount }));
}

/** The proration date Stripe used for a preview (its own field, else the preview's creation). */
function prorationDateOf(invoice: Stripe.Invoice): number {
  return invoice.parent?.subscription_details?.subscription_proration_date ?? invoice.created;
}

export async function previewPlanChange(
  s: Services,
  user: AuthUser,
  priceId: string,
): Promise<ChangePlanPreviewResponse> {
  const change = await validate(s, user, priceId);
  const sub = await retrieveSubscription(s, change.subscriptionId);
  const item = itemOf(sub);
  if (change.timing === "period_end") {
    // Nothing is charged now: the new price's first invoice comes when the period ends.
    const at = item.current_period_end;
    return {
      amountDue: 0,
      currency: change.target.currency,
      effective: "period_end",
      effectiveAt: iso(at),
      lines: [
        { description: `${change.target.productName} from ${iso(at).slice(0, 10)}`, amount: change.target.unitAmount },
      ],
    };
  }
  const invoice = await stripeCall("invoices.createPreview", () =>
    s.stripe.invoices.createPreview({
      customer: change.customerId,
      subscription: sub.id,
      subscription_details: {
        items: [{ id: item.id, price: priceId }],
        proration_behavior: "always_invoice",
      },
    }),
  );
  const prorationDate = prorationDateOf(invoice);
  await callRpc(s.db, "record_plan_preview", {
    p_user_id: user.id,
    p_price_id: priceId,
    p_proration_date: prorationDate,
  });
  return {
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    effective: "now",
    effectiveAt: iso(prorationDate),
    lines: previewLines(invoice),
  };
}

/** Runs fn holding the user's plan-change slot; a second change at the same time gets 409. */
async function exclusively<T>(s: Services, userId: string, fn: () => Promise<T>): Promise<T> {
  const token = crypto.randomUUID();
  if (!(await callRpc(s.db, "claim_plan_change", { p_user_id: userId, p_token: token }))) {
    throw new ApiError("change_in_progress", "Another change of your plan is in progress: wait a moment and reload");
  }
  let used = false;
  try {
    const result = await fn();
    used = true;
    return result;
  } finally {
    await callRpc(s.db, "release_plan_change", {
      p_user_id: userId,
      p_token: token,
      p_clear_preview: used,
    }).catch(() => undefined);
  }
}

async function releaseSchedule(s: Services, scheduleId: string): Promise<void> {
  try {
    await stripeCall("subscriptionSchedules.release", () => s.stripe.subscriptionSchedules.release(scheduleId));
  } catch (e) {
    // Already released, completed or canceled: nothing holds the subscription any more.
    if (isMissingStripeObject(e) || e instanceof Stripe.errors.StripeInvalidRequestError) return;
    throw e;
  }
}

async function entitlementAfterSync(s: Services, user: AuthUser, customerId: string): Promise<EntitlementView> {
  const row = await syncCustomer(s, customerId, [], { cause: "plan_change", actor: user.id });
  return toEntitlementView(row ?? (await readEntitlement(s, user.id)));
}

async function upgradeNow(s: Services, user: AuthUser, change: Change, sub: Stripe.Subscription) {
  if (sub.pending_update) {
    throw new ApiError(
      "change_in_progress",
      "An earlier upgrade is waiting for its payment: pay or update your card in the billing portal",
    );
  }
  if (typeof sub.schedule === "string") await releaseSchedule(s, sub.schedule);
  const item = itemOf(sub);
  const remembered = change.ctx.previewProrationDate;
  const prorationDate =
    remembered !== null && remembered >= item.current_period_start && remembered < item.current_period_end
      ? remembered
      : undefined;
  const updated = await stripeCall("subscriptions.update", () =>
    s.stripe.subscriptions.update(
      sub.id,
      {
        items: [{ id: item.id, price: change.target.priceId }],
        proration_behavior: "always_invoice",
        payment_behavior: "pending_if_incomplete",
        ...(prorationDate ? { proration_date: prorationDate } : {}),
      },
      // One switch per subscription, plan pair and proration date: a retry never makes a second invoice.
      {
        idempotencyKey: `gatehouse-plan-${sub.id}-${item.price.id}-${change.target.priceId}-${prorationDate ?? "now"}`,
      },
    ),
  );
  if (updated.pending_update) {
    // The declined invoice is voided, which cancels the pending update: the old plan stays for good,
    // and a retry after a card update makes one new invoice, never a second payable one.
    const invoiceId = typeof updated.latest_invoice === "string" ? updated.latest_invoice : updated.latest_invoice?.id;
    if (invoiceId) {
      await stripeCall("invoices.voidInvoice", () => s.stripe.invoices.voidInvoice(invoiceId)).catch((e: unknown) => {
        // Already paid or voided meanwhile: Stripe's state decides, the sync below reads it.
        if (!(e instanceof Stripe.errors.StripeInvalidRequestError)) throw e;
      });
    }
    await syncCustomer(s, change.customerId, [], { cause: "plan_change", actor: user.id });
    throw new ApiError(
      "payment_failed",
      "Your card was declined, so your plan did not change: update your card in the billing portal, then try again",
    );
  }
  return entitlementAfterSync(s, user, change.customerId);
}

async function scheduleAtPeriodEnd(s: Services, user: AuthUser, change: Change, sub: Stripe.Subscription) {
  const item = itemOf(sub);
  const scheduleId =
    typeof sub.schedule === "string"
      ? sub.schedule
      : (
          await stripeCall("subscriptionSchedules.create", () =>
            s.stripe.subscriptionSchedules.create(
              { from_subscription: sub.id },
              { idempotencyKey: `gatehouse-schedule-${sub.id}-${item.current_period_end}` },
            ),
          )
        ).id;
  const schedule = await stripeCall("subscriptionSchedules.retrieve", () =>
    s.stripe.subscriptionSchedules.retrieve(scheduleId),
  );
  await stripeCall("subscriptionSchedules.update", () =>
    s.stripe.subscriptionSchedules.update(scheduleId, switchAtPeriodEnd(schedule, item, change.target.priceId)),
  );
  return entitlementAfterSync(s, user, change.customerId);
}

export async function changePlan(s: Services, user: AuthUser, priceId: string): Promise<EntitlementView> {
  const change = await validate(s, user, priceId);
  return exclusively(s, user.id, async () => {
    const sub = await retrieveSubscription(s, change.subscriptionId);
    if (itemOf(sub).price.id === priceId) {
      throw new ApiError("same_plan", "You are already on this plan and billing period");
    }
    return change.timing === "now" ? upgradeNow(s, user, change, sub) : scheduleAtPeriodEnd(s, user, change, sub);
  });
}

export async function cancelScheduledChange(s: Services, user: AuthUser): Promise<EntitlementView> {
  const ctx = await context(s, user.id, null);
  const sub = ctx.subscription;
  if (!sub || !ctx.customerId) {
    throw new ApiError("no_subscription", "You have no subscription to change: subscribe to a plan first");
  }
  const customerId = ctx.customerId;
  return exclusively(s, user.id, async () => {
    const live = await retrieveSubscription(s, sub.id);
    if (typeof live.schedule !== "string") {
      throw new ApiError("nothing_scheduled", "No plan change is scheduled");
    }
    await releaseSchedule(s, live.schedule);
    return entitlementAfterSync(s, user, customerId);
  });
}
