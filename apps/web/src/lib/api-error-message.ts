import type { ApiErrorCode } from "@gatehouse/types";
import type { MessageKey } from "@/features/i18n/index.ts";
import { isApiError } from "./api-error.ts";

/** The codes the SPA has its own words for: the API's (ApiErrorCode), and the client's network_error. */
export const KNOWN: Partial<Record<ApiErrorCode | "network_error", MessageKey>> = {
  unauthenticated: "api.error.unauthenticated",
  invalid_price: "api.error.invalid_price",
  already_subscribed: "api.error.already_subscribed",
  already_owned: "api.error.already_owned",
  invalid_currency: "api.error.invalid_currency",
  no_customer: "api.error.no_customer",
  session_not_yours: "api.error.session_not_yours",
  session_not_found: "api.error.session_not_found",
  upstream_unavailable: "api.error.upstream_unavailable",
  rate_limited: "api.error.rate_limited",
  same_plan: "api.error.same_plan",
  no_subscription: "api.error.no_subscription",
  subscription_past_due: "api.error.subscription_past_due",
  change_in_progress: "api.error.change_in_progress",
  payment_failed: "api.error.payment_failed",
  nothing_scheduled: "api.error.nothing_scheduled",
  network_error: "api.error.network_error",
};

/** The message key for an API failure: known codes get their own text, the rest a generic one. */
export function apiErrorMessageKey(error: unknown): MessageKey {
  if (isApiError(error)) return (KNOWN as Partial<Record<string, MessageKey>>)[error.code] ?? "api.error.generic";
  return "api.error.generic";
}

/** The request id to quote to support, for errors the user cannot fix themselves. */
export function apiErrorReference(error: unknown): string | null {
  if (!isApiError(error) || error.code in KNOWN) return null;
  return error.requestId;
}
