// The Gatehouse API's contract, in one place: the schemas of every request body and query (the
// routes validate with them: apps/api/src/middleware/json-body.ts), the type of every answer (each
// route's c.json(...) satisfies its type, so apps/api's `App` carries them to the SPA's typed
// calls), and the error codes (their statuses: apps/api/src/errors.ts, API_ERROR_STATUS).
import * as z from "zod/mini";
import type { Tables } from "./database.ts";

export const LOCALES = ["en", "fr"] as const;
export const localeSchema = z.enum(LOCALES, { error: 'locale must be "en" or "fr"' });
export type Locale = z.infer<typeof localeSchema>;

export const checkoutBodySchema = z.strictObject({
  priceId: z
    .string({ error: "priceId is required (a Stripe price id, price_…)" })
    .check(z.minLength(1, "priceId is required (a Stripe price id, price_…)"), z.maxLength(255, "priceId is too long")),
  locale: z.optional(localeSchema),
  currency: z.optional(
    z.string().check(z.regex(/^[A-Za-z]{3}$/, "currency must be a 3-letter ISO 4217 code (eur, usd)")),
  ),
  quantity: z.optional(z.literal(1, "quantity must be 1: a plan or a lifetime purchase is bought once")),
});
export type CheckoutBody = z.infer<typeof checkoutBodySchema>;

/** POST /api/billing/change-plan(/preview): the price to switch to. */
export const changePlanBodySchema = z.strictObject({
  priceId: z
    .string({ error: "priceId is required (a Stripe price id, price_…)" })
    .check(z.minLength(1, "priceId is required (a Stripe price id, price_…)"), z.maxLength(255, "priceId is too long")),
});
export type ChangePlanBody = z.infer<typeof changePlanBodySchema>;

/** What a switch would cost now, from Stripe's invoice preview (amounts in the currency's minor unit). */
export interface ChangePlanPreviewResponse {
  amountDue: number;
  currency: string;
  effective: "now" | "period_end";
  /** When the new plan applies (ISO). */
  effectiveAt: string;
  lines: Array<{ description: string; amount: number }>;
}

export interface ChangePlanResponse {
  entitlement: EntitlementView;
}

export const portalBodySchema = z.strictObject({ locale: z.optional(localeSchema) });
export type PortalBody = z.infer<typeof portalBodySchema>;

/** POST /api/me/email-preferences: the lifecycle emails a user wants, and their language. */
export const emailPreferencesBodySchema = z.strictObject({
  lifecycleEmails: z.optional(z.boolean()),
  locale: z.optional(localeSchema),
});
export type EmailPreferencesBody = z.infer<typeof emailPreferencesBodySchema>;

export const syncBodySchema = z.strictObject({
  sessionId: z.optional(
    z.string().check(z.regex(/^cs_[A-Za-z0-9_]+$/, "sessionId must be a Stripe Checkout Session id (cs_…)")),
  ),
  /** Also answer the premium rows the caller may now read (the success page: one round trip). */
  withContent: z.optional(z.boolean("withContent must be true or false")),
});
export type SyncBody = z.infer<typeof syncBodySchema>;

/** POST /api/admin/doctor: with repair, drifted customers are re-synced (cause doctor). */
export const doctorBodySchema = z.strictObject({
  repair: z.optional(z.boolean()),
});
export type DoctorBody = z.infer<typeof doctorBodySchema>;

/**
 * GET /api/admin/customers: the filters, as text (the service says which values it takes: 400
 * invalid_status, invalid_limit, invalid_query, invalid_cursor). A field given twice is refused.
 */
export const customersQuerySchema = z.object({
  q: z.optional(z.string()),
  status: z.optional(z.string()),
  priceId: z.optional(z.string()),
  cursor: z.optional(z.string()),
  limit: z.optional(z.string()),
});
export type CustomersQuery = z.infer<typeof customersQuerySchema>;

/** The entitlement as the API reports it (dates as ISO strings). */
export interface EntitlementView {
  active: boolean;
  /** The tier key of the plan (`basic`, `pro`), or null. */
  entitlement: string | null;
  status: string | null;
  currentPeriodEnd: string | null;
  cancelAt: string | null;
  /** The features the user holds now (empty unless active). */
  features: string[];
  source: "subscription" | "purchase" | null;
  priceId: string | null;
  /** When the trial ends, while trialing. */
  trialEnd: string | null;
  /** A plan change scheduled for the end of the period. */
  scheduledChange: { priceId: string; at: string } | null;
}

export interface MeResponse {
  /** role: app_metadata.role from the token ("admin" sees the console). */
  user: { id: string; email: string | null; role?: string | null };
  entitlement: EntitlementView;
  /** May this user still have a free trial (one per user, ever)? */
  trialEligible: boolean;
}
export interface CheckoutResponse {
  url: string;
  id: string;
}
export interface PortalResponse {
  url: string;
}
/** A row of public.premium_content as the library shows it (RLS decides which rows a user reads). */
export type PremiumLesson = Pick<
  Tables<"premium_content">,
  "slug" | "title" | "summary" | "body" | "feature" | "position"
>;

/** The columns of {@link PremiumLesson}, in PostgREST's `select` form. */
export const PREMIUM_CONTENT_COLUMNS = "slug,title,summary,body,feature,position";

export interface SyncResponse {
  entitlement: EntitlementView;
  /**
   * With `withContent` and access now: the premium rows the caller may read, read with their own
   * token (RLS decides). Absent when not asked, without access, when the API has no publishable key
   * (SUPABASE_PUBLISHABLE_KEY) or when that read failed: the page then reads them itself.
   */
  content?: PremiumLesson[];
}

/** GET /api/health */
export interface HealthResponse {
  ok: true;
}

/** POST /api/me/email-preferences: the preferences now stored. */
export interface EmailPreferencesResponse {
  lifecycleEmails: boolean;
  locale: string | null;
}

/** POST /api/stripe/webhook: the event was recorded and queued, seen before, or is not ours. */
export interface WebhookResponse {
  received: true;
  outcome: "queued" | "duplicate" | "ignored";
}

// The console's reads (/api/admin/overview, files, customers, customers/:userId, doctor/:runId)
// answer what the admin services declare (the database functions' results), carried to the SPA by
// App: they are not declared a second time here.

/** POST /api/admin/customers/:userId/resync */
export interface AdminResyncResponse {
  entitlement: EntitlementView;
}

/** POST /api/admin/events/:eventId/replay */
export interface AdminReplayResponse {
  outcome: "processed" | "ignored";
}

/** POST /api/admin/doctor (202): the run started. */
export interface DoctorStartedResponse {
  runId: string;
}

export const API_ERROR_CODES = [
  "unauthenticated",
  "invalid_json",
  "invalid_body",
  "invalid_price",
  "already_subscribed",
  "same_plan",
  "no_subscription",
  "subscription_past_due",
  "change_in_progress",
  "payment_failed",
  "nothing_scheduled",
  "already_owned",
  "invalid_currency",
  "no_customer",
  "session_not_found",
  "session_not_yours",
  "invalid_signature",
  "invalid_payload",
  "payload_too_large",
  "not_found",
  "rate_limited",
  "upstream_unavailable",
  "bad_environment",
  "internal_error",
  "forbidden",
  "invalid_cursor",
  "invalid_status",
  "invalid_limit",
  "invalid_query",
  "user_not_found",
  "event_not_found",
  "doctor_running",
  "run_not_found",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorBody {
  /** runId: with doctor_running, the run in progress. */
  error: { code: ApiErrorCode; message: string; requestId: string; runId?: string };
}
