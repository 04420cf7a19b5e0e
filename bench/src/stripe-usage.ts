// The Stripe stand-in's rate limits and its count of what it admitted and refused
// (`/_sandbox/limits`): the bench turns the limits off while it plays Stripe's side (generating
// lifecycles, reading the final state) and on, at Stripe's test-mode values, while the API works.
import type { RateLimitCounts, RateLimitSettings } from "@gatehouse/sandbox";
import { control } from "./stand-in-controls.ts";

export const STRIPE_TEST_MODE = { perSecond: 25, perEndpointPerSecond: 25 } as const;
export const LIMITS_OFF = { perSecond: 0, perEndpointPerSecond: 0 } as const;

export async function setLimits(
  stripeUrl: string,
  limits: Partial<RateLimitSettings>,
  opts: { resetStats?: boolean } = {},
): Promise<void> {
  await control(stripeUrl, "/_sandbox/limits", { ...limits, ...(opts.resetStats ? { resetStats: true } : {}) });
}

export interface StripeUsage {
  /** Requests the stand-in admitted (lock timeouts included) plus those its rate limit refused. */
  requests: number;
  rateLimited: number;
  lockTimeouts: number;
  byEndpoint: Record<string, number>;
}

export async function stripeUsage(stripeUrl: string): Promise<StripeUsage> {
  const s = await control<RateLimitCounts>(stripeUrl, "/_sandbox/limits");
  const admitted = Object.values(s.admitted).reduce((a, b) => a + b, 0);
  return {
    requests: admitted + s.rateLimited,
    rateLimited: s.rateLimited,
    lockTimeouts: s.lockTimeouts,
    byEndpoint: s.admitted,
  };
}
