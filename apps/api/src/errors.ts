import type { ApiErrorBody, ApiErrorCode } from "@gatehouse/types";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error the API throws on purpose; handleError renders it. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;
  constructor(status: ContentfulStatusCode, code: ApiErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
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

/** Renders any error as {error:{code,message,requestId}}; unknown errors are logged and become 500. */
export function handleError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500)
      console.error(JSON.stringify({ requestId: c.get("requestId"), code: err.code, message: err.message }));
    return c.json(errorBody(c, err.code, err.message), err.status);
  }
  console.error(
    JSON.stringify({
      requestId: c.get("requestId"),
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    }),
  );
  return c.json(errorBody(c, "internal_error", "Something went wrong on our side; it has been logged."), 500);
}
