import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, stateError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec, type SpecObject } from "../params.ts";
import { customerIdOf } from "./invoices.ts";
import { applyItemChange, prorationBehaviors } from "./plan-change.ts";
import { addInterval, getPrice, priceIn, requirePriceIn } from "./prices.ts";
import { endSubscription, getSubscription, periodOf, planOf, saveSubscription } from "./subscriptions.ts";

export function getSchedule(ctx: Ctx, id: string, param = "schedule"): Stripe.SubscriptionSchedule {
  const s = ctx.store.get("subscription_schedule", id);
  if (!s) throw resourceMissing("subscription_schedule", id, param);
  return s;
}

function priceIdOf(p: string | Stripe.Price | Stripe.DeletedPrice): string {
  return typeof p === "string" ? p : p.id;
}

function phaseOf(
  currency: string,
  price: Stripe.Price,
  quantity: number,
  start: number,
  end: number,
  proration: Stripe.SubscriptionSchedule.Phase.ProrationBehavior,
  metadata: Record<string, string> = {},
): Stripe.SubscriptionSchedule.Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: end,
    invoice_settings: null,
    items: [
      {
        billing_thresholds: null,
        discounts: [],
        metadata: {},
        plan: price.id,
        price: price.id,
        quantity,
        tax_rates: [],
      },
    ],
    metadata,
    on_behalf_of: null,
    proration_behavior: proration,
    start_date: start,
    transfer_data: null,
    trial_end: null,
  };
}

/** The schedule's phase running at `t`, if any. */
export function phaseAt(
  schedule: Stripe.SubscriptionSchedule,
  t: number,
): { phase: Stripe.SubscriptionSchedule.Phase; index: number } | null {
  const index = schedule.phases.findIndex((p) => p.start_date <= t && t < p.end_date);
  const phase = schedule.phases[index];
  return phase ? { phase, index } : null;
}

function saveSchedule(
  ctx: Ctx,
  request: RequestInfo | null,
  type:
    | "subscription_schedule.updated"
    | "subscription_schedule.released"
    | "subscription_schedule.canceled"
    | "subscription_schedule.completed",
  old: Stripe.SubscriptionSchedule,
  next: Stripe.SubscriptionSchedule,
): Stripe.SubscriptionSchedule {
  ctx.store.put("subscription_schedule", next);
  ctx.events.emit(type, next, request, previousAttributes(old, next));
  return next;
}

/** Attaches a new schedule to a subscription: one phase, its current price until the period ends. */
export function scheduleFromSubscription(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  metadata: Record<string, string> = {},
): Stripe.SubscriptionSchedule {
  if (sub.schedule)
    throw stateError(
      `You cannot migrate a subscription that is already attached to a schedule: ${typeof sub.schedule === "string" ? sub.schedule : sub.schedule.id}.`,
      "from_subscription",
    );
  if (sub.status === "canceled" || sub.status === "incomplete_expired")
    throw stateError(`The subscription ${sub.id} is ${sub.status}: it cannot be scheduled.`, "from_subscription");
  const item = sub.items.data[0];
  if (!item || sub.items.data.length !== 1)
    throw invalidParameter("from_subscription", "The stand-in schedules subscriptions with exactly one item.");
  const { start, end } = periodOf(sub);
  const now = ctx.clock.now();
  const schedule: Stripe.SubscriptionSchedule = {
    id: newId("sub_sched", 24),
    object: "subscription_schedule",
    application: null,
    billing_mode: { flexible: null, type: "classic" },
    canceled_at: null,
    completed_at: null,
    created: now,
    current_phase: { start_date: start, end_date: end },
    customer: customerIdOf(sub),
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: "automatic",
      billing_thresholds: null,
      collection_method: "charge_automatically",
      default_payment_method: null,
      description: null,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        days_until_due: null,
        description: null,
        footer: null,
        issuer: { type: "self" },
      },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: "release",
    livemode: false,
    metadata,
    pause_schedules: [],
    phases: [phaseOf(sub.currency, item.price, item.quantity ?? 1, start, end, "create_prorations")],
    released_at: null,
    released_subscription: null,
    status: "active",
    subscription: sub.id,
    test_clock: null,
  };
  ctx.store.put("subscription_schedule", schedule);
  ctx.events.emit("subscription_schedule.created", schedule, request);
  saveSubscription(ctx, request, sub, { ...sub, schedule: schedule.id });
  return schedule;
}

const phaseSpec: SpecObject = {
  items: [{ price: "s", quantity: "s" }],
  start_date: "s",
  end_date: "s",
  duration: { interval: "s", interval_count: "s" },
  proration_behavior: "s",
  metadata: "map",
};

function parsePhases(ctx: Ctx, schedule: Stripe.SubscriptionSchedule, sub: Stripe.Subscription, p: Params) {
  const raw = p.objects("phases");
  if (raw.length === 0) throw invalidParameter("phases", "Pass at least one phase.");
  const now = ctx.clock.now();
  const current = schedule.current_phase;
  const phases: Stripe.SubscriptionSchedule.Phase[] = [];
  let prevEnd: number | null = null;
  raw.forEach((ph, n) => {
    const items = ph.objects("items");
    if (items.length !== 1)
      throw invalidParameter(`phases[${n}][items]`, "The stand-in supports exactly one item per phase.");
    const it = items[0];
    if (!it) return;
    const param = `phases[${n}][items][0][price]`;
    const price = getPrice(ctx, it.requireStr("price"), param);
    if (!price.recurring) throw invalidParameter(param, "The price must be a recurring price.");
    if (!price.active) throw invalidParameter(param, `The price ${price.id} is not active.`);
    requirePriceIn(ctx, price, sub.currency, param);
    const quantity = it.int("quantity") ?? 1;
    const rawStart = ph.str("start_date");
    const start =
      rawStart === "now"
        ? now
        : rawStart !== null
          ? (ph.int("start_date") ?? now)
          : (prevEnd ?? current?.start_date ?? now);
    if (prevEnd !== null && start !== prevEnd)
      throw invalidParameter(`phases[${n}][start_date]`, "Each phase must start when the previous one ends.");
    if (n === 0 && current && start !== current.start_date)
      throw invalidParameter(
        "phases[0][start_date]",
        `The current phase started at ${current.start_date}; its start_date cannot change.`,
      );
    const duration = ph.obj("duration");
    let end: number;
    if (ph.has("end_date")) end = ph.int("end_date") ?? 0;
    else if (duration) {
      const interval = duration.requireStr("interval");
      if (!["day", "week", "month", "year"].includes(interval))
        throw invalidParameter(`phases[${n}][duration][interval]`, `Invalid interval: ${interval}`);
      end = addInterval(start, interval, duration.int("interval_count") ?? 1);
    } else end = addInterval(start, price.recurring.interval, price.recurring.interval_count);
    if (end <= start) throw invalidParameter(`phases[${n}][end_date]`, "A phase must end after it starts.");
    if (n === 0 && end <= now)
      throw invalidParameter("phases[0][end_date]", "The current phase must end in the future.");
    const rawProration = ph.str("proration_behavior");
    const proration = prorationBehaviors.find((b) => b === rawProration);
    if (rawProration !== null && !proration)
      throw invalidParameter(`phases[${n}][proration_behavior]`, `Invalid proration_behavior: ${rawProration}`);
    phases.push(
      phaseOf(
        sub.currency,
        price,
        quantity,
        start,
        end,
        proration ?? "create_prorations",
        mergeMetadata({}, ph.map("metadata")),
      ),
    );
    prevEnd = end;
  });
  // The running phase must be what the subscription has now: the stand-in changes prices at phase boundaries.
  const first = phases[0];
  const item = sub.items.data[0];
  if (
    first &&
    item &&
    (priceIdOf(first.items[0]?.price ?? "") !== item.price.id ||
      (first.items[0]?.quantity ?? 1) !== (item.quantity ?? 1))
  )
    throw invalidParameter(
      "phases[0][items]",
      "The stand-in changes prices at phase boundaries only: phases[0][items] must be the subscription's current price and quantity.",
    );
  return phases;
}

function updateSchedule(ctx: Ctx, req: ApiRequest, id: string): Stripe.SubscriptionSchedule {
  const p = new Params(req.params, {
    phases: [phaseSpec],
    end_behavior: "s",
    metadata: "map",
    proration_behavior: "s",
    expand: "list",
  });
  const old = getSchedule(ctx, id, "id");
  if (old.status !== "active" && old.status !== "not_started")
    throw stateError(`You cannot update a subscription schedule that is ${old.status}.`, "schedule");
  const sub = getSubscription(ctx, String(old.subscription), "subscription");
  const endBehavior = p.str("end_behavior");
  if (endBehavior !== null && endBehavior !== "release" && endBehavior !== "cancel")
    throw invalidParameter(
      "end_behavior",
      `The stand-in supports end_behavior release or cancel (got ${endBehavior}).`,
    );
  const proration = p.str("proration_behavior");
  if (proration !== null && !prorationBehaviors.some((b) => b === proration))
    throw invalidParameter("proration_behavior", `Invalid proration_behavior: ${proration}`);
  const phases = p.has("phases") ? parsePhases(ctx, old, sub, p) : old.phases;
  const first = phases[0];
  const next: Stripe.SubscriptionSchedule = {
    ...old,
    end_behavior: endBehavior ?? old.end_behavior,
    metadata: mergeMetadata(old.metadata ?? {}, p.map("metadata")),
    phases,
    current_phase: first ? { start_date: first.start_date, end_date: first.end_date } : old.current_phase,
  };
  if (Object.keys(previousAttributes(old, next)).length === 0) return expand(ctx.store, old, p.list("expand"));
  return expand(
    ctx.store,
    saveSchedule(ctx, req.request, "subscription_schedule.updated", old, next),
    p.list("expand"),
  );
}

/** Detaches the schedule; the subscription goes on as it is. */
export function releaseSchedule(
  ctx: Ctx,
  request: RequestInfo | null,
  schedule: Stripe.SubscriptionSchedule,
): Stripe.SubscriptionSchedule {
  if (schedule.status !== "active" && schedule.status !== "not_started")
    throw stateError(`You cannot release a subscription schedule that is ${schedule.status}.`, "schedule");
  const subId = typeof schedule.subscription === "string" ? schedule.subscription : schedule.subscription?.id;
  const released = saveSchedule(ctx, request, "subscription_schedule.released", schedule, {
    ...schedule,
    status: "released",
    released_at: ctx.clock.now(),
    released_subscription: subId ?? null,
    subscription: null,
    current_phase: null,
  });
  const sub = subId ? ctx.store.get("subscription", subId) : undefined;
  if (sub?.schedule) saveSubscription(ctx, request, sub, { ...sub, schedule: null });
  return released;
}

/** Cancels the schedule (and, as on Stripe, its subscription when `withSubscription`). */
export function cancelSchedule(
  ctx: Ctx,
  request: RequestInfo | null,
  schedule: Stripe.SubscriptionSchedule,
  withSubscription: boolean,
): Stripe.SubscriptionSchedule {
  if (schedule.status !== "active" && schedule.status !== "not_started")
    throw stateError(`You cannot cancel a subscription schedule that is ${schedule.status}.`, "schedule");
  const canceled = saveSchedule(ctx, request, "subscription_schedule.canceled", schedule, {
    ...schedule,
    status: "canceled",
    canceled_at: ctx.clock.now(),
    current_phase: null,
  });
  const subId = typeof schedule.subscription === "string" ? schedule.subscription : schedule.subscription?.id;
  const sub = subId ? ctx.store.get("subscription", subId) : undefined;
  if (withSubscription && sub && sub.status !== "canceled")
    endSubscription(ctx, request, { ...sub, schedule: null }, "cancellation_requested");
  return canceled;
}

/** When the sandbox clock reaches the end of a schedule's current phase. */
export function schedulePhaseEnds(ctx: Ctx, sub: Stripe.Subscription, schedule: Stripe.SubscriptionSchedule): void {
  const at = schedule.current_phase?.end_date ?? ctx.clock.now();
  const nextPhase = schedule.phases.find((p) => p.start_date === at);
  if (!nextPhase) {
    if (schedule.end_behavior === "cancel") {
      saveSchedule(ctx, null, "subscription_schedule.completed", schedule, {
        ...schedule,
        status: "completed",
        completed_at: at,
        current_phase: null,
      });
      endSubscription(ctx, null, { ...sub, schedule: null }, "cancellation_requested", at);
    } else releaseSchedule(ctx, null, schedule);
    return;
  }
  const item = sub.items.data[0];
  const target = nextPhase.items[0];
  const price = target ? ctx.store.get("price", priceIdOf(target.price)) : undefined;
  if (item && price && (item.price.id !== price.id || (item.quantity ?? 1) !== (target?.quantity ?? 1))) {
    if (periodOf(sub).end === at) {
      // At the period's end nothing is left to prorate: the next period simply starts on the new price.
      saveSubscription(ctx, null, sub, {
        ...sub,
        items: {
          ...sub.items,
          data: [{ ...item, price, plan: planOf(price), quantity: target?.quantity ?? item.quantity }],
        },
      });
    } else {
      applyItemChange(
        ctx,
        null,
        sub,
        [{ id: item.id, price: price.id, quantity: target?.quantity ?? null, param: "phases" }],
        {
          proration: prorationBehaviors.find((b) => b === nextPhase.proration_behavior) ?? "create_prorations",
          prorationDate: null,
          payment: "allow_incomplete",
        },
      );
    }
  }
  saveSchedule(ctx, null, "subscription_schedule.updated", schedule, {
    ...schedule,
    current_phase: { start_date: nextPhase.start_date, end_date: nextPhase.end_date },
  });
}

export const subscriptionScheduleRoutes: Route[] = [
  route.post("/subscription_schedules", (ctx, req) => {
    const p = new Params(req.params, {
      from_subscription: "s",
      customer: "s",
      phases: [phaseSpec],
      start_date: "s",
      end_behavior: "s",
      metadata: "map",
      expand: "list",
    });
    const from = p.str("from_subscription");
    if (from === null)
      throw invalidParameter(
        "from_subscription",
        "The stand-in creates schedules from an existing subscription only: pass from_subscription.",
      );
    for (const k of ["customer", "phases", "start_date", "end_behavior"])
      if (p.has(k)) throw invalidParameter(k, `You cannot set ${k} when from_subscription is set.`);
    const sub = getSubscription(ctx, from, "from_subscription");
    return expand(
      ctx.store,
      scheduleFromSubscription(ctx, req.request, sub, mergeMetadata({}, p.map("metadata"))),
      p.list("expand"),
    );
  }),
  route.get("/subscription_schedules/:id", (ctx, req, [id = ""]) =>
    expand(ctx.store, getSchedule(ctx, id, "id"), new Params(req.params, { expand: "list" }).list("expand")),
  ),
  route.post("/subscription_schedules/:id", (ctx, req, [id = ""]) => updateSchedule(ctx, req, id)),
  route.post("/subscription_schedules/:id/release", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { preserve_cancel_date: "s", expand: "list" });
    return expand(ctx.store, releaseSchedule(ctx, req.request, getSchedule(ctx, id, "id")), p.list("expand"));
  }),
  route.post("/subscription_schedules/:id/cancel", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { invoice_now: "s", prorate: "s", expand: "list" });
    return expand(ctx.store, cancelSchedule(ctx, req.request, getSchedule(ctx, id, "id"), true), p.list("expand"));
  }),
  route.get("/subscription_schedules", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, customer: "s", scheduled: "s" });
    const customer = p.str("customer");
    const scheduled = p.bool("scheduled");
    return expand(
      ctx.store,
      listPage(
        ctx.store.ids("subscription_schedule"),
        (id) => ctx.store.get("subscription_schedule", id),
        (s) =>
          (customer === null || customerIdOf(s) === customer) &&
          (scheduled === null || (s.status === "not_started") === scheduled),
        p,
        "/v1/subscription_schedules",
      ),
      p.list("expand"),
    );
  }),
];

/**
 * What the portal does for a change its configuration schedules: the current price until the period
 * ends, then the new one (one period), `end_behavior: release`. An attached schedule is rewritten.
 */
export function scheduleAtPeriodEnd(
  ctx: Ctx,
  request: RequestInfo | null,
  sub: Stripe.Subscription,
  price: Stripe.Price,
): Stripe.SubscriptionSchedule {
  const attached = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
  const existing = attached ? ctx.store.get("subscription_schedule", attached) : undefined;
  const schedule = existing && existing.status === "active" ? existing : scheduleFromSubscription(ctx, request, sub);
  const item = sub.items.data[0];
  if (!item || !price.recurring) return schedule;
  const { start, end } = periodOf(sub);
  const quantity = item.quantity ?? 1;
  const next: Stripe.SubscriptionSchedule = {
    ...schedule,
    end_behavior: "release",
    current_phase: { start_date: start, end_date: end },
    phases: [
      phaseOf(sub.currency, item.price, quantity, start, end, "create_prorations"),
      phaseOf(
        sub.currency,
        price,
        quantity,
        end,
        addInterval(end, price.recurring.interval, price.recurring.interval_count),
        "create_prorations",
      ),
    ],
  };
  return saveSchedule(ctx, request, "subscription_schedule.updated", schedule, next);
}

/** The price a subscription's schedule will switch it to, and when (null when nothing is scheduled). */
export function scheduledChangeOf(ctx: Ctx, sub: Stripe.Subscription): { price: Stripe.Price; at: number } | null {
  const id = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
  const schedule = id ? ctx.store.get("subscription_schedule", id) : undefined;
  if (schedule?.status !== "active" || !schedule.current_phase) return null;
  const current = sub.items.data[0]?.price.id;
  for (const phase of schedule.phases) {
    if (phase.start_date < schedule.current_phase.end_date) continue;
    const priceId = phase.items[0] ? priceIdOf(phase.items[0].price) : null;
    const price = priceId ? ctx.store.get("price", priceId) : undefined;
    if (price && price.id !== current) return { price, at: phase.start_date };
  }
  return null;
}

/**
 * Does the portal configuration schedule this switch at the period's end instead of applying it?
 * Amounts compare in the subscription's currency (a price's own amount or its currency option's).
 */
export function portalSchedulesSwitch(
  ctx: Ctx,
  config: Stripe.BillingPortal.Configuration,
  currency: string,
  from: Stripe.Price,
  to: Stripe.Price,
  quantity: number,
): boolean {
  const amountIn = (p: Stripe.Price) => priceIn(ctx, p, currency)?.unitAmount ?? p.unit_amount ?? 0;
  const conditions = config.features.subscription_update.schedule_at_period_end?.conditions ?? [];
  const seconds = (p: Stripe.Price) => {
    const n = p.recurring?.interval_count ?? 1;
    const interval = p.recurring?.interval;
    const unit = interval === "day" ? 1 : interval === "week" ? 7 : interval === "year" ? 365 : 30;
    return n * unit;
  };
  return conditions.some(
    (c) =>
      (c.type === "decreasing_item_amount" && amountIn(to) * quantity < amountIn(from) * quantity) ||
      (c.type === "shortening_interval" && seconds(to) < seconds(from)),
  );
}
