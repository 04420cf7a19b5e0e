import { PgrstError } from "./pgrst-error.ts";

interface PgLikeError {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function isPgError(e: unknown): e is PgLikeError {
  if (!(e instanceof Error) || !("code" in e)) return false;
  const code: unknown = e.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

/** PostgREST's SQLSTATE → HTTP status table (the part that matters here). */
export function statusForSqlState(code: string, role: string): number {
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (code === "23503" || code === "23505") return 409;
  if (code === "P0001") return 400;
  if (code === "42883" || code === "42P01") return 404;
  if (code === "42P17" || code === "25000") return 500;
  if (code === "25006") return 405;
  if (code.startsWith("PT")) {
    const status = Number(code.slice(2));
    return Number.isInteger(status) && status >= 100 ? status : 500;
  }
  const prefix = code.slice(0, 2);
  if (prefix === "08" || prefix === "53") return 503;
  if (prefix === "28" || prefix === "0L" || prefix === "0P") return 403;
  if (["09", "25", "2D", "38", "39", "3B", "40", "54", "55", "57", "58", "F0", "HV", "P0", "XX"].includes(prefix)) {
    return 500;
  }
  return 400;
}

export function fromPgError(e: PgLikeError, role: string): PgrstError {
  return new PgrstError(statusForSqlState(e.code, role), e.code, e.message, {
    details: e.detail ?? null,
    hint: e.hint ?? null,
  });
}
