import type { ApiErrorBody, ApiErrorCode } from "@gatehouse/types";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error the API throws on purpose; handleError renders it. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;
  /** The run in progress, with doctor_running. */
  readonly runId: string | undefined;
  constructor(status: ContentfulStatusCode, code: ApiErrorCode, message: string, runId?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.runId = runId;
  }
}

/** An outside service (Stripe, Supabase) could not do the work: the caller should retry. */
export class UpstreamError extends ApiError {
  constructor(service: "stripe" | "supabase", detail: string) {
    super(503, "upstream_unavailable", `${service} is unavailable, try again shortly (${detail})`);
  }
}

export function errorBody(c: Context, code: ApiErrorCode, message: string): ApiErrorBody {
  return { error: { code, message, requestId: c.get("requestId") ?? "unknown" } };
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
export function serverError(
  c: Context,
  status: ContentfulStatusCode,
  code: ApiErrorCode,
  detail: Record<string, unknown>,
): Response {
  console.error(JSON.stringify({ requestId: c.get("requestId"), status, code, ...detail }));
  if (status === 503) c.header("Retry-After", "5");
  return c.json(errorBody(c, code, PUBLIC_5XX[code] ?? GENERIC_5XX), status);
}

/** Renders any error as {error:{code,message,requestId}}; 5xx details go to the log only. */
export function handleError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500) return serverError(c, err.status, err.code, { message: err.message });
    const body = errorBody(c, err.code, err.message);
    if (err.runId) body.error.runId = err.runId;
    return c.json(body, err.status);
  }
  return serverError(c, 500, "internal_error", {
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
}
