export {
  FAULT_BODIES,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultState,
  startFaultProxy,
} from "./fault-proxy.ts";
export * from "./keys.ts";
export * from "./postgres/index.ts";
export { defaultDataDir, type RunningSandbox, type SandboxOptions, startSandbox } from "./start-sandbox.ts";
export { startTestSandbox, type TestSandbox, type TestSandboxOptions } from "./start-test-sandbox.ts";
export { stopWithParent } from "./stop-with-parent.ts";
export {
  type ChaosSettings,
  type DeliveryAttempt,
  type DeliverySummary,
  NO_LIMITS,
  type RateLimitCounts,
  type RateLimitSettings,
  type RunningStripeStandIn,
  STRIPE_TEST_MODE_LIMITS,
  type StripeStandInOptions,
  startStripeStandIn,
} from "./stripe/index.ts";
export { type RunningSupabaseStandIn, type SupabaseStandInOptions, startSupabaseStandIn } from "./supabase/index.ts";
export { readSigningJwk } from "./supabase/jwt-keys.ts";
