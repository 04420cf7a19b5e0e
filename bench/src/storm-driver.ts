// Drives real subscription lifecycles through the Stripe stand-in, the way the API would: a user
// in auth.users, a Stripe customer bound to it (bind_customer), a Checkout Session created like
// POST /api/checkout does, paid on the stand-in (Pro with its 7-day trial); then plan switches
// (upgrades at once, downgrades scheduled with subscription schedules, some applied by the clock),
// cancellations, failed renewals and the clock moving forward.
import { switchAtPeriodEnd } from "@gatehouse/billing";
import type pg from "pg";
import type Stripe from "stripe";
import { control } from "./stand-in-controls.ts";
import { pool } from "./stats.ts";

export interface StormCustomer {
  userId: string;
  customerId: string;
  subscriptionId: string;
  plan: "monthly" | "yearly" | "proMonthly";
  /** What happens to it after checkout. */
  fate: Fate;
}

export type Fate =
  | "renews"
  | "switches_plan"
  | "cancels_at_period_end"
  | "cancels_now"
  | "fails_renewal"
  | "cancels_then_resumes"
  | "resubscribes"
  /** Pro monthly with its 7-day trial, paid after it (the clock passes its end). */
  | "trials"
  /** Pro monthly, then Basic monthly scheduled at the period's end; the clock applies it. */
  | "downgrades_at_period_end";

const FATES: Fate[] = [
  "renews",
  "renews",
  "switches_plan",
  "cancels_at_period_end",
  "cancels_now",
  "fails_renewal",
  "cancels_then_resumes",
  "switches_plan",
  "resubscribes",
  "renews",
  "trials",
  "downgrades_at_period_end",
];

/** Days of trial of Pro in the catalog (@gatehouse/billing catalog.ts). */
const PRO_TRIAL_DAYS = 7;

const CARD_OK = "4242424242424242";
const CARD_FAILS_ON_RENEWAL = "4000000000000341";
const DAY = 86_400;

export interface DriveInput {
  db: pg.Pool;
  stripe: Stripe;
  stripeUrl: string;
  /** monthly/yearly: Basic; proMonthly: Pro (upgrades). */
  prices: { monthly: string; yearly: string; proMonthly: string };
  appUrl: string;
  customers: number;
  /** Parallel driver requests (not the delivery concurrency). */
  concurrency: number;
  tag: string;
}

async function checkout(
  input: DriveInput,
  userId: string,
  customerId: string,
  price: string,
  card: string,
  trialDays: number | null = null,
) {
  const session = await input.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customerId,
    client_reference_id: userId,
    line_items: [{ price, quantity: 1 }],
    subscription_data: { metadata: { user_id: userId }, ...(trialDays ? { trial_period_days: trialDays } : {}) },
    metadata: { user_id: userId, price_id: price, locale: "" },
    success_url: `${input.appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${input.appUrl}/?checkout=canceled`,
  });
  const done = await control<{ subscription: string | { id: string } | null }>(
    input.stripeUrl,
    `/_sandbox/checkout/sessions/${session.id}/complete`,
    { card },
  );
  const sub = done.subscription;
  const id = typeof sub === "string" ? sub : (sub?.id ?? "");
  if (!id) throw new Error(`checkout ${session.id} completed without a subscription`);
  return id;
}

/**
 * A plan change as POST /api/billing/change-plan makes it: Basic monthly → Pro monthly at once
 * (prorated, invoiced now, only if paid); a yearly plan → Basic monthly at the end of its period
 * through a subscription schedule (still pending when the storm ends).
 */
async function switchPlan(input: DriveInput, c: StormCustomer): Promise<void> {
  const sub = await input.stripe.subscriptions.retrieve(c.subscriptionId);
  const item = sub.items.data[0];
  if (!item || sub.status === "canceled") return;
  if (item.price.id === input.prices.monthly) {
    await input.stripe.subscriptions.update(c.subscriptionId, {
      items: [{ id: item.id, price: input.prices.proMonthly }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
    });
    return;
  }
  await scheduleAtPeriodEnd(input, sub, input.prices.monthly);
}

/** The current price until the period ends, then `to`: a schedule from the subscription, released at its end. */
async function scheduleAtPeriodEnd(input: DriveInput, sub: Stripe.Subscription, to: string): Promise<void> {
  const item = sub.items.data[0];
  if (!item || sub.status === "canceled") return;
  const schedule = await input.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
  await input.stripe.subscriptionSchedules.update(schedule.id, switchAtPeriodEnd(schedule, item, to));
}

/** Creates the users, customers and paid subscriptions, then plays each customer's fate. */
export async function driveLifecycles(input: DriveInput): Promise<{ customers: StormCustomer[]; operations: number }> {
  const { db, stripe } = input;
  const { rows } = await db.query<{ id: string; email: string }>(
    `insert into auth.users (id, email, aud, role, email_confirmed_at, raw_app_meta_data)
     select gen_random_uuid(), 'storm-' || $1 || '-' || g || '@bench.test', 'authenticated', 'authenticated', now(),
            '{"provider":"email","providers":["email"]}'::jsonb
       from generate_series(1, $2::int) g
     returning id, email`,
    [input.tag, input.customers],
  );
  const customers: StormCustomer[] = new Array(rows.length);
  let operations = 0;
  await pool(rows.length, input.concurrency, async (i) => {
    const user = rows[i];
    if (!user) return;
    const fate = FATES[i % FATES.length] ?? "renews";
    const pro = fate === "trials" || fate === "downgrades_at_period_end";
    const plan: StormCustomer["plan"] = pro ? "proMonthly" : i % 7 === 3 ? "yearly" : "monthly";
    const customer = await stripe.customers.create({ email: user.email, metadata: { user_id: user.id } });
    await db.query("select public.bind_customer($1, $2)", [user.id, customer.id]);
    const card = fate === "fails_renewal" ? CARD_FAILS_ON_RENEWAL : CARD_OK;
    const trialDays = fate === "trials" ? PRO_TRIAL_DAYS : null;
    const subscriptionId = await checkout(input, user.id, customer.id, input.prices[plan], card, trialDays);
    customers[i] = { userId: user.id, customerId: customer.id, subscriptionId, plan, fate };
    operations += 4;
  });
  // Changes before the renewal.
  await pool(customers.length, input.concurrency, async (i) => {
    const c = customers[i];
    if (!c) return;
    operations++;
    switch (c.fate) {
      case "switches_plan":
        return switchPlan(input, c);
      case "downgrades_at_period_end":
        return scheduleAtPeriodEnd(input, await stripe.subscriptions.retrieve(c.subscriptionId), input.prices.monthly);
      case "cancels_at_period_end":
      case "cancels_then_resumes":
        await stripe.subscriptions.update(c.subscriptionId, { cancel_at_period_end: true });
        return;
      case "cancels_now":
      case "resubscribes":
        await stripe.subscriptions.cancel(c.subscriptionId);
        return;
      default:
        operations--;
    }
  });
  // Second half of the stories: resume a pending cancellation, buy again after canceling.
  await pool(customers.length, input.concurrency, async (i) => {
    const c = customers[i];
    if (!c) return;
    if (c.fate === "cancels_then_resumes") {
      await stripe.subscriptions.update(c.subscriptionId, { cancel_at_period_end: false });
      operations++;
    } else if (c.fate === "resubscribes") {
      const other = c.plan === "monthly" ? "yearly" : "monthly";
      c.subscriptionId = await checkout(input, c.userId, c.customerId, input.prices[other], CARD_OK);
      operations += 2;
    }
  });
  // A month and a bit: monthly plans renew (or fail and retry), pending cancellations end.
  await control(input.stripeUrl, "/_sandbox/clock/advance", { seconds: 32 * DAY });
  await control(input.stripeUrl, "/_sandbox/clock/advance", { seconds: 2 * DAY });
  operations += 2;
  return { customers: customers.filter((c): c is StormCustomer => c !== undefined), operations };
}
