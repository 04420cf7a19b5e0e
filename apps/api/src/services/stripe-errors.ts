import Stripe from "stripe";
import { UpstreamError } from "../errors.ts";

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

/** Runs a Stripe call, turning outages into UpstreamError (503) and leaving other errors as they are. */
export async function stripeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isRetryableStripeError(e))
      throw new UpstreamError("stripe", `${what}: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}
