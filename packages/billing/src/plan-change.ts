// When a plan change takes effect. Pure: the change-plan routes and the SPA's dialog both use it.
// An upgrade (more features, or a higher amount per month for the same features) applies now,
// prorated and invoiced at once; a downgrade, a sideways move, or a switch to a shorter interval
// waits for the end of the period the customer paid for.
import type Stripe from "stripe";

export type BillingInterval = "day" | "week" | "month" | "year";

/** The facts of a price that decide the timing of a switch. */
export interface PlanPriceFacts {
  priceId: string;
  unitAmount: number;
  interval: BillingInterval;
  intervalCount: number;
  /** The features of the price's product. */
  features: readonly string[];
}

export type PlanChangeTiming = "now" | "period_end";

const MONTHS: Record<BillingInterval, number> = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

/** The length of the billing interval in months. */
export function intervalMonths(p: Pick<PlanPriceFacts, "interval" | "intervalCount">): number {
  return MONTHS[p.interval] * Math.max(1, p.intervalCount);
}

/** The amount per month, to compare prices with different intervals. */
export function amountPerMonth(p: Pick<PlanPriceFacts, "unitAmount" | "interval" | "intervalCount">): number {
  return p.unitAmount / intervalMonths(p);
}

export function planChangeTiming(current: PlanPriceFacts, target: PlanPriceFacts): PlanChangeTiming {
  if (intervalMonths(target) < intervalMonths(current)) return "period_end";
  const had = new Set(current.features);
  const gets = new Set(target.features);
  const losesSome = [...had].some((f) => !gets.has(f));
  if (losesSome) return "period_end";
  if (gets.size > had.size) return "now";
  return amountPerMonth(target) > amountPerMonth(current) ? "now" : "period_end";
}

/**
 * The subscription schedule update for a change at the period's end: the current price until the
 * period ends, then `to`, and the schedule released (the subscription carries on by itself).
 */
export function switchAtPeriodEnd(
  schedule: { current_phase: { start_date: number } | null; phases: readonly { start_date: number }[] },
  item: {
    price: { id: string };
    quantity?: number | undefined;
    current_period_start: number;
    current_period_end: number;
  },
  to: string,
): Stripe.SubscriptionScheduleUpdateParams {
  const quantity = item.quantity ?? 1;
  return {
    end_behavior: "release",
    phases: [
      {
        items: [{ price: item.price.id, quantity }],
        start_date: schedule.current_phase?.start_date ?? schedule.phases[0]?.start_date ?? item.current_period_start,
        end_date: item.current_period_end,
      },
      { items: [{ price: to, quantity }] },
    ],
  };
}
