import type { ChangePlanBody, CheckoutBody, Locale, PortalBody, SyncBody } from "@gatehouse/types";
import * as z from "zod/mini";
import { apiPost } from "./api-client.ts";
import { timingMark } from "./timing-mark.ts";

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

export function createCheckout(input: { priceId: string; locale: ApiLocale; accessToken: string; currency?: string }) {
  return apiPost({
    path: "/api/checkout",
    body: {
      priceId: input.priceId,
      locale: input.locale,
      ...(input.currency ? { currency: input.currency } : {}),
    } satisfies CheckoutBody,
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

export async function syncBilling(input: { sessionId: string | null; accessToken: string; signal?: AbortSignal }) {
  const answer = await apiPost({
    path: "/api/billing/sync",
    body: (input.sessionId ? { sessionId: input.sessionId } : {}) satisfies SyncBody,
    accessToken: input.accessToken,
    schema: entitlementAnswer,
    signal: input.signal,
  });
  timingMark("gh:sync-answered");
  return answer;
}

export const meAnswer = z.object({
  entitlement: z.object({
    active: z.boolean(),
    priceId: z.optional(z.nullable(z.string())),
    trialEnd: z.optional(z.nullable(z.string())),
  }),
  trialEligible: z.optional(z.boolean()),
});

export function fetchMe(input: { accessToken: string; signal?: AbortSignal }) {
  return apiPost({
    path: "/api/me",
    method: "GET",
    accessToken: input.accessToken,
    schema: meAnswer,
    signal: input.signal,
  });
}

export const changePlanPreviewAnswer = z.object({
  amountDue: z.number(),
  currency: z.string(),
  effective: z.enum(["now", "period_end"]),
  effectiveAt: z.string(),
  lines: z.array(z.object({ description: z.string(), amount: z.number() })),
});
export type ChangePlanPreview = z.infer<typeof changePlanPreviewAnswer>;

export function previewPlanChange(input: { priceId: string; accessToken: string; signal?: AbortSignal }) {
  return apiPost({
    path: "/api/billing/change-plan/preview",
    body: { priceId: input.priceId } satisfies ChangePlanBody,
    accessToken: input.accessToken,
    schema: changePlanPreviewAnswer,
    signal: input.signal,
  });
}

export function changePlan(input: { priceId: string; accessToken: string }) {
  return apiPost({
    path: "/api/billing/change-plan",
    body: { priceId: input.priceId } satisfies ChangePlanBody,
    accessToken: input.accessToken,
    schema: entitlementAnswer,
  });
}

export function cancelScheduledChange(input: { accessToken: string }) {
  return apiPost({
    path: "/api/billing/change-plan",
    method: "DELETE",
    accessToken: input.accessToken,
    schema: entitlementAnswer,
  });
}
