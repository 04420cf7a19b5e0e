import type { ApiErrorBody, ApiErrorCode } from "@gatehouse/types";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error code the API sends, and the one HTTP status it is sent with. Routes, middleware and
 * services throw ApiError with a code; the status comes from here and nowhere else. The SPA's code
 * lists name codes of this map (apps/web/src/lib/api-error-codes.test.ts).
 */
export const API_ERROR_STATUS = {
  // The request: fix it and send it again.
  invalid_json: 400,
  invalid_body: 400,
  invalid_price: 400,
  invalid_currency: 400,
  same_plan: 400,
  invalid_cursor: 400,
  invalid_status: 400,
  invalid_limit: 400,
  invalid_query: 400,
  invalid_signature: 400,
  invalid_payload: 400,
  unauthenticated: 401,
  payment_failed: 402,
  forbidden: 403,
  session_not_yours: 403,
  not_found: 404,
  no_customer: 404,
  session_not_found: 404,
  user_not_found: 404,
  event_not_found: 404,
  run_not_found: 404,
  // The account's state: what it holds now refuses the request.
  already_subscribed: 409,
  already_owned: 409,
  no_subscription: 409,
  subscription_past_due: 409,
  change_in_progress: 409,
  nothing_scheduled: 409,
  doctor_running: 409,
  payload_too_large: 413,
  rate_limited: 429,
  // Ours: the details go to the log, the caller gets a generic message and the request id.
  internal_error: 500,
  bad_environment: 500,
  upstream_unavailable: 503,
} as const satisfies Record<ApiErrorCode, ContentfulStatusCode>;

export type ApiErrorStatus<C extends ApiErrorCode = ApiErrorCode> = (typeof API_ERROR_STATUS)[C];

/** The status a code is sent with. */
export function statusOf(code: ApiErrorCode): ApiErrorStatus {
  return API_ERROR_STATUS[code];
}

/** The one error the API throws on purpose; handleError renders it. */
export class ApiError<C extends ApiErrorCode = ApiErrorCode> extends Error {
  readonly status: ApiErrorStatus<C>;
  readonly code: C;
  /** The run in progress, with doctor_running. */
  readonly runId: string | undefined;
  /** The status is the map's for `code` (API_ERROR_STATUS). */
  constructor(code: C, message: string, runId?: string) {
    super(message);
    this.status = API_ERROR_STATUS[code];
    this.code = code;
    this.runId = runId;
  }
}

/** An outside service (Stripe, Supabase) could not do the work: the caller should retry. */
export class UpstreamError extends ApiError<"upstream_unavailable"> {
  constructor(service: "stripe" | "supabase", detail: string) {
    super("upstream_unavailable", `${service} is unavailable, try again shortly (${detail})`);
  }
}

export function errorBody(c: Context, code: ApiErrorCode, message: string): ApiErrorBody {
  return { error: { code, message, requestId: c.get("requestId") ?? "unknown" } };
}

/** The error shape with the code's status: how every route, middleware and handler answers an error. */
export function errorResponse(c: Context, code: ApiErrorCode, message: string): Response {
  return c.json(errorBody(c, code, message) satisfies ApiErrorBody, statusOf(code));
}

/**
 * What callers read for a 5xx: what to do, never which function failed or what an upstream said
 * (that goes to the log under the same request id).
 */
const PUBLIC_5XX: Partial<Record<ApiErrorCode, string>> = {
  upstream_unavailable: "A service Gatehouse relies on is unavailable right now: try again in a moment.",
  bad_environment:
    "The API is not configured correctly: the operator will find the details in the log under this request id.",
  internal_error: "Something went wrong on our side; it has been logged under this request id.",
};
const GENERIC_5XX = "Something went wrong on our side; it has been logged under this request id.";

/** A 5xx for the caller: logs the details, answers a generic message with the request id and a code. */
export function serverError(c: Context, code: ApiErrorCode, detail: Record<string, unknown>): Response {
  const status = statusOf(code);
  console.error(JSON.stringify({ requestId: c.get("requestId"), status, code, ...detail }));
  if (status === 503) c.header("Retry-After", "5");
  return errorResponse(c, code, PUBLIC_5XX[code] ?? GENERIC_5XX);
}

/** Renders any error as {error:{code,message,requestId}}; 5xx details go to the log only. */
export function handleError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500) return serverError(c, err.code, { message: err.message });
    const body = errorBody(c, err.code, err.message);
    if (err.runId) body.error.runId = err.runId;
    return c.json(body satisfies ApiErrorBody, err.status);
  }
  return serverError(c, "internal_error", {
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
}
