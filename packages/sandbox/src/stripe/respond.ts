import { invalidUrl, StripeApiError } from "./errors.ts";

/** A JSON answer as Stripe's API sends it (never cached). */
export function stripeJson(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-cache, no-store", ...headers },
  });
}

/** A hosted page (checkout, portal, receipt). */
export function html(status: number, page: string): Response {
  return new Response(page, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "content-length": "0" } });
}

/** Any error as a Stripe error (an unexpected one is a 500 api_error, logged). */
export function asStripeError(e: unknown, log?: (line: string) => void, where = ""): StripeApiError {
  const err =
    e instanceof StripeApiError
      ? e
      : new StripeApiError(500, "api_error", `The stand-in failed: ${e instanceof Error ? e.message : String(e)}`);
  if (err.status >= 500) log?.(`stripe stand-in ${where}: ${err.message}`);
  return err;
}

/** The 413 Stripe answers to a body over the limit. */
export function bodyTooLarge(limit: number): StripeApiError {
  return new StripeApiError(413, "invalid_request_error", `Request body too large: the limit is ${limit} bytes.`, {
    stored: false,
  });
}

/** The path's segments must be well-formed percent-encoding: a malformed `%` escape is a 400, never a crash. */
export function checkPathEncoding(method: string, path: string): void {
  for (const segment of path.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      throw invalidUrl(method, path);
    }
  }
}
