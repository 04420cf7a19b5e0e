// The waits of the worker's retries: one sleep, one jitter and one reading of Retry-After, shared by
// the Stripe calls (stripe-errors.ts, start-checkout.ts) and the email sender (send-emails.ts,
// resend-outcome.ts).

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Between half and all of `ms`, at random: callers retrying together spread out. */
export const jittered = (ms: number): number => ms * (0.5 + Math.random() / 2);

/**
 * A Retry-After header's delay in seconds (its delta-seconds form, the one Stripe and Resend send),
 * or null when there is none or it is not a non-negative number.
 */
export function retryAfterSeconds(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
