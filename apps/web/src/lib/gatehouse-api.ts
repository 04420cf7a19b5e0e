import * as z from "zod/mini";
import { apiPost } from "./api-client.ts";

// Typed calls to the Gatehouse API (apps/api). Locale is passed so Stripe's pages match the app.

export type ApiLocale = "en" | "fr";

const urlAnswer = z.object({ url: z.string().check(z.minLength(1)) });

const entitlementAnswer = z.object({
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
    body: { priceId: input.priceId, locale: input.locale },
    accessToken: input.accessToken,
    schema: urlAnswer,
  });
}

export function createPortalSession(input: { locale: ApiLocale; accessToken: string }) {
  return apiPost({
    path: "/api/billing/portal",
    body: { locale: input.locale },
    accessToken: input.accessToken,
    schema: urlAnswer,
  });
}

export function syncBilling(input: { sessionId: string | null; accessToken: string; signal?: AbortSignal }) {
  return apiPost({
    path: "/api/billing/sync",
    body: input.sessionId ? { sessionId: input.sessionId } : {},
    accessToken: input.accessToken,
    schema: entitlementAnswer,
    signal: input.signal,
  });
}
