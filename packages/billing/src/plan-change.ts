// When a plan change takes effect. Pure: the change-plan routes and the SPA's dialog both use it.
// An upgrade (more features, or a higher amount per month for the same features) applies now,
// prorated and invoiced at once; a downgrade, a sideways move, or a switch to a shorter interval
// waits for the end of the period the customer paid for.

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
