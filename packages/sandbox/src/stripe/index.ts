export { TEST_CARDS } from "./cards.ts";
export { API_VERSION } from "./events.ts";
export {
  NO_LIMITS,
  type RateLimitCounts,
  type RateLimitSettings,
  STRIPE_TEST_MODE_LIMITS,
} from "./rate-limits.ts";
export {
  DEFAULT_RETRY_SCHEDULE,
  type RunningStripeStandIn,
  type StripeStandInOptions,
  startStripeStandIn,
} from "./server.ts";
export { signWebhook } from "./sign-webhook.ts";
export type { ChaosSettings, DeliveryAttempt, DeliverySummary } from "./webhook-delivery.ts";
