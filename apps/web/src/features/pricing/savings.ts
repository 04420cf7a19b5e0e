import type { Plan } from "./api/get-plans.ts";

/** How much cheaper a year is than twelve months of the same plan, in whole percent (null if not cheaper). */
export function yearlySavingsPercent(plan: Plan): number | null {
  const monthly = plan.prices.find((p) => p.interval === "month" && p.intervalCount === 1);
  const yearly = plan.prices.find(
    (p) => p.interval === "year" && p.intervalCount === 1 && p.currency === monthly?.currency,
  );
  if (!monthly || !yearly || monthly.unitAmount <= 0) return null;
  const percent = Math.round((1 - yearly.unitAmount / (monthly.unitAmount * 12)) * 100);
  return percent > 0 ? percent : null;
}
