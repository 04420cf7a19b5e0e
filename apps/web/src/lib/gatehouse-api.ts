import type { CheckoutBody, Locale, PortalBody, SyncBody } from "@gatehouse/types";
import * as z from "zod/mini";
import { apiPost } from "./api-client.ts";

// Typed calls to the Gatehouse API (apps/api), with the bodies and answers of @gatehouse/types
// (type-only imports: nothing of that package lands in the bundle). Locale is passed so
// Stripe's pages match the app.

export type ApiLocale = Locale;

export const urlAnswer = z.object({ url: z.string().check(z.minLength(1)) });

export const entitlementAnswer = z.object({
  entitlement: z.nullable(
    z.object({
      active: z.boolean(),
      entitlement: z.optional(z.nullable(z.string())),
      status: z.optional(z.nullable(z.string())),
    }),
  ),
});
export type SyncAnswer = z.infer<typeof entitlementAnswer>;

export function createCheckout(input: { priceId: string; locale: ApiLocale; accessToken: string }) {
  return apiPost({
    path: "/api/checkout",
    body: { priceId: input.priceId, locale: input.locale } satisfies CheckoutBody,
    accessToken: input.accessToken,
    schema: urlAnswer,
  });
}

export function createPortalSession(input: { locale: ApiLocale; accessToken: string }) {
  return apiPost({
    path: "/api/billing/portal",
    body: { locale: input.locale } satisfies PortalBody,
    accessToken: input.accessToken,
    schema: urlAnswer,
  });
}

export function syncBilling(input: { sessionId: string | null; accessToken: string; signal?: AbortSignal }) {
  return apiPost({
    path: "/api/billing/sync",
    body: (input.sessionId ? { sessionId: input.sessionId } : {}) satisfies SyncBody,
    accessToken: input.accessToken,
    schema: entitlementAnswer,
    signal: input.signal,
  });
}
