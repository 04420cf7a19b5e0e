import Stripe from "stripe";
import { UpstreamError } from "../errors.ts";
import { jittered, sleep } from "./waits.ts";

/** Stripe could not answer (network, 5xx, rate limit): the work should be retried. */
export function isRetryableStripeError(e: unknown): boolean {
  return (
    e instanceof Stripe.errors.StripeConnectionError ||
    e instanceof Stripe.errors.StripeAPIError ||
    e instanceof Stripe.errors.StripeRateLimitError ||
    (e instanceof Stripe.errors.StripeError && (e.statusCode ?? 0) >= 500)
  );
}

export function isMissingStripeObject(e: unknown): boolean {
  return e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "resource_missing";
}

/** Stripe's 429 (its rate limit, or lock_timeout on an object another request holds). */
export function isRateLimited(e: unknown): boolean {
  return e instanceof Stripe.errors.StripeRateLimitError;
}

/** Waits before each new try of a rate-limited call: short, since someone may be waiting. */
const RATE_LIMIT_WAITS_MS = [250, 500, 1000];

/**
 * Runs a Stripe call, turning outages into UpstreamError (503) and leaving other errors as they are.
 * A 429 is tried again a few times, a little later (stripe-node does not: Stripe marks rate limits
 * not retryable); then it is an outage like the others, and the caller's own retry takes over.
 */
export async function stripeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = RATE_LIMIT_WAITS_MS[attempt];
      if (isRateLimited(e) && wait !== undefined) {
        await sleep(jittered(wait));
        continue;
      }
      if (isRetryableStripeError(e))
        throw new UpstreamError("stripe", `${what}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
}
