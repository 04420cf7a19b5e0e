export type StripeErrorType = "invalid_request_error" | "api_error" | "card_error" | "idempotency_error";

/** An error rendered in Stripe's shape: `{"error":{"type","code","message","param","doc_url"}}`. */
export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  /** False for errors raised before the endpoint ran (Stripe stores no idempotent result for those). */
  readonly stored: boolean;

  constructor(
    status: number,
    type: StripeErrorType,
    message: string,
    opts: { code?: string; param?: string; declineCode?: string; stored?: boolean } = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = opts.code;
    this.param = opts.param;
    this.declineCode = opts.declineCode;
    this.stored = opts.stored ?? true;
  }

  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, "-")}`;
    }
    if (this.param) error.param = this.param;
    if (this.declineCode) error.decline_code = this.declineCode;
    return { error };
  }
}

export function unknownParameter(name: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", `Received unknown parameter: ${name}`, {
    code: "parameter_unknown",
    param: name,
    stored: false,
  });
}

export function missingParameter(name: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", `Missing required param: ${name}.`, {
    code: "parameter_missing",
    param: name,
    stored: false,
  });
}

export function invalidParameter(name: string, message: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", message, {
    code: "parameter_invalid_string",
    param: name,
    stored: false,
  });
}

export function invalidInteger(name: string, value: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", `Invalid integer: ${value}`, {
    code: "parameter_invalid_integer",
    param: name,
    stored: false,
  });
}

/** Stripe's answer to a value outside an enum: "Invalid mode: must be one of payment, setup, or subscription". */
export function invalidEnum(name: string, allowed: readonly string[]): StripeApiError {
  const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")}, or ${allowed.at(-1)}` : (allowed[0] ?? "");
  return new StripeApiError(400, "invalid_request_error", `Invalid ${name}: must be one of ${list}`, {
    code: "parameter_invalid_string",
    param: name,
    stored: false,
  });
}

export function resourceMissing(what: string, id: string, param = "id"): StripeApiError {
  return new StripeApiError(404, "invalid_request_error", `No such ${what}: '${id}'`, {
    code: "resource_missing",
    param,
  });
}

/** What Stripe answers to a method and path it has no endpoint for: 404, no code. */
export function unsupportedEndpoint(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/. (The Gatehouse Stripe stand-in does not implement this endpoint.)`,
    { stored: false },
  );
}

/** A path segment with a malformed `%` escape. */
export function invalidUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    400,
    "invalid_request_error",
    `Invalid request URL (${method}: ${path.slice(0, 200)}): malformed percent-encoding.`,
    { stored: false },
  );
}

export function stateError(message: string, param?: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", message, param ? { param } : {});
}

export function cardDeclined(): StripeApiError {
  return new StripeApiError(402, "card_error", "Your card was declined.", {
    code: "card_declined",
    declineCode: "generic_decline",
  });
}
