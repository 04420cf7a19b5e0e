import type { SupabaseClient } from "@supabase/supabase-js";
import { UpstreamError } from "../errors.ts";

/** A database function refused the call (a Postgres error that retrying will not fix). */
export class DbError extends Error {
  readonly fn: string;
  readonly code: string;
  constructor(fn: string, code: string, message: string) {
    super(`${fn}: ${message} (${code})`);
    this.fn = fn;
    this.code = code;
  }
}

/** SQLSTATE classes that mean "the database is unavailable", not "the call was wrong". */
const UNAVAILABLE = /^(08|53|57P|58)/;

/**
 * Is this PostgREST error an outage (retry later) rather than a refusal? Decided by the error's
 * SQLSTATE, not the HTTP status: PostgREST answers 500 for many plain PL/pgSQL errors (P0002…).
 */
export function isOutage(error: { code?: string }, status: number): boolean {
  const code = error.code ?? "";
  if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE.test(code);
  if (/^PGRST00[0-3]$/.test(code)) return true; // PostgREST cannot reach Postgres
  return status === 0 || status >= 500 || code === "";
}

/**
 * Calls a SQL function through PostgREST with the secret key. Unreachable database or gateway
 * → UpstreamError (retryable); a Postgres error → DbError with its SQLSTATE.
 */
export async function callRpc<T>(db: SupabaseClient, fn: string, args: Record<string, unknown>): Promise<T> {
  let result: { data: unknown; error: { code?: string; message: string } | null; status: number };
  try {
    result = await db.rpc(fn, args);
  } catch (e) {
    throw new UpstreamError("supabase", e instanceof Error ? e.message : String(e));
  }
  const { data, error, status } = result;
  if (error) {
    if (isOutage(error, status)) throw new UpstreamError("supabase", `${fn}: ${error.message}`);
    throw new DbError(fn, error.code ?? "unknown", error.message);
  }
  return data as T;
}

/**
 * Reads at most one row where column = value, with the secret key. An outage → UpstreamError
 * (retryable); any other error is a bug and throws as such.
 */
export async function selectOne<T>(
  db: SupabaseClient,
  table: string,
  columns: string,
  column: string,
  value: string,
): Promise<T | null> {
  let result: { data: unknown; error: { code?: string; message: string } | null; status: number };
  try {
    result = await db.from(table).select(columns).eq(column, value).maybeSingle();
  } catch (e) {
    throw new UpstreamError("supabase", e instanceof Error ? e.message : String(e));
  }
  const { data, error, status } = result;
  if (error) {
    if (isOutage(error, status)) throw new UpstreamError("supabase", `${table}: ${error.message}`);
    throw new Error(`${table} lookup failed: ${error.message}`);
  }
  return data as T | null;
}
