/** An error PostgREST answers with `{code, details, hint, message}`. */
export class PgrstError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: string | null;
  readonly hint: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { details?: string | null; hint?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = opts.details ?? null;
    this.hint = opts.hint ?? null;
    this.headers = opts.headers ?? {};
  }

  toBody() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** PGRST100: a query parameter the sandbox cannot parse (or deliberately does not support). */
export function badQuery(message: string, details: string | null = null): PgrstError {
  return new PgrstError(400, "PGRST100", message, { details });
}
