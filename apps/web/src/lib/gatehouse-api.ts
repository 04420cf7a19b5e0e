import type { Locale } from "@gatehouse/types";
import { getEnv } from "@/config/env.ts";
import { type ApiAnswer, apiAnswerOf, apiCall, authOf } from "./api-client.ts";
import { warmPreflight } from "./preflight.ts";
import { timingMark } from "./timing-mark.ts";

// The SPA's calls to the Gatehouse API (apps/api): paths, bodies and answers typed by the API's
// own routes (api-client.ts). Locale is passed so Stripe's pages match the app.

export type ApiLocale = Locale;

export type CheckoutAnswer = ApiAnswer<"POST", "/api/checkout">;
export type PortalAnswer = ApiAnswer<"POST", "/api/billing/portal">;
export type SyncAnswer = ApiAnswer<"POST", "/api/billing/sync">;
export type MeAnswer = ApiAnswer<"GET", "/api/me">;
export type ChangePlanPreview = ApiAnswer<"POST", "/api/billing/change-plan/preview">;
export type ChangePlanAnswer = ApiAnswer<"POST", "/api/billing/change-plan">;

export function createCheckout(input: { priceId: string; locale: ApiLocale; accessToken: string; currency?: string }) {
  return apiCall({
    method: "POST",
    path: "/api/checkout",
    body: {
      priceId: input.priceId,
      locale: input.locale,
      ...(input.currency ? { currency: input.currency } : {}),
    },
    accessToken: input.accessToken,
  });
}

export function createPortalSession(input: { locale: ApiLocale; accessToken: string }) {
  return apiCall({ method: "POST", path: "/api/billing/portal", body: { locale: input.locale }, ...authOf(input) });
}

export async function syncBilling(input: {
  sessionId: string | null;
  accessToken: string;
  signal?: AbortSignal;
}): Promise<SyncAnswer> {
  const answer = await apiCall({
    method: "POST",
    path: "/api/billing/sync",
    body: input.sessionId ? { sessionId: input.sessionId } : {},
    ...authOf(input),
  });
  timingMark("gh:sync-answered");
  return answer;
}

/**
 * The CORS preflight of POST /api/billing/sync, asked for ahead of it (preflight.ts): the pricing
 * page asks when it starts a checkout, so the success page's sync, the first request after paying,
 * is one round trip instead of two (the API's preflight answers hold 600 s).
 */
export function warmSyncPreflight(baseUrl = getEnv().apiUrl): void {
  warmPreflight(`${baseUrl}/api/billing/sync`, ["authorization", "content-type"]);
}

/**
 * The answer of a POST /api/billing/sync the boot sent with fetch alone (features/billing/api/
 * early-sync.ts), read as syncBilling reads its own.
 */
export async function syncAnswerOf(sent: Promise<Response>): Promise<SyncAnswer> {
  const answer = await apiAnswerOf<"POST", "/api/billing/sync">(sent);
  timingMark("gh:sync-answered");
  return answer;
}

export function fetchMe(input: { accessToken: string; signal?: AbortSignal }) {
  return apiCall({ method: "GET", path: "/api/me", ...authOf(input) });
}

export function previewPlanChange(input: { priceId: string; accessToken: string; signal?: AbortSignal }) {
  const body = { priceId: input.priceId };
  return apiCall({ method: "POST", path: "/api/billing/change-plan/preview", body, ...authOf(input) });
}

export function changePlan(input: { priceId: string; accessToken: string }) {
  return apiCall({
    method: "POST",
    path: "/api/billing/change-plan",
    body: { priceId: input.priceId },
    ...authOf(input),
  });
}

export function cancelScheduledChange(input: { accessToken: string }) {
  return apiCall({ method: "DELETE", path: "/api/billing/change-plan", accessToken: input.accessToken });
}
