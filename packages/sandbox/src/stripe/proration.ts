/**
 * Stripe's proration arithmetic, pure: a change at `at` inside the period [start, end) credits the
 * unused part of the old amount and charges the remaining part of the new one, each by the exact
 * share of seconds left (`(end - at) / (end - start)`), each line rounded to the currency's minor unit
 * on its own. The preview and the update both use this, so the same `proration_date` gives the same
 * amounts.
 */
export interface ProrationInput {
  /** The old item's amount for one full period (unit_amount × quantity), minor units. */
  oldAmount: number;
  /** The new item's amount for one full period, minor units. */
  newAmount: number;
  periodStart: number;
  periodEnd: number;
  /** The proration date (unix seconds). */
  at: number;
}

export interface Proration {
  /** ≤ 0: the unused time on the old price. */
  credit: number;
  /** ≥ 0: the remaining time on the new price (0 when the billing cycle restarts). */
  charge: number;
}

/** The share of the period still ahead at `at`, between 0 and 1. */
export function unusedShare(periodStart: number, periodEnd: number, at: number): number {
  const length = periodEnd - periodStart;
  if (length <= 0) return 0;
  const left = Math.min(Math.max(periodEnd - at, 0), length);
  return left / length;
}

/** Rounds half away from zero, as Stripe rounds line amounts. */
function roundMinor(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function prorate(input: ProrationInput, cycleRestarts = false): Proration {
  const share = unusedShare(input.periodStart, input.periodEnd, input.at);
  const credit = roundMinor(-input.oldAmount * share);
  const charge = cycleRestarts ? 0 : roundMinor(input.newAmount * share);
  // `-0` would serialize as 0 anyway; keep it a plain 0.
  return { credit: credit === 0 ? 0 : credit, charge };
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Stripe's date in proration descriptions: `02 Dec 2026` (UTC). */
export function prorationDateLabel(at: number): string {
  const d = new Date(at * 1000);
  return `${String(d.getUTCDate()).padStart(2, "0")} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Stripe's wording of proration lines: `Unused time on Basic after 02 Dec 2026`, `Remaining time on 2 × Pro after …`. */
export function prorationDescription(
  kind: "unused" | "remaining",
  product: string,
  quantity: number,
  at: number,
): string {
  const what = quantity === 1 ? product : `${quantity} × ${product}`;
  return `${kind === "unused" ? "Unused" : "Remaining"} time on ${what} after ${prorationDateLabel(at)}`;
}
