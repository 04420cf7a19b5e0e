import type { SupabaseClient } from "@supabase/supabase-js";
import { UpstreamError } from "../errors.ts";

/** A database function refused the call (a Postgres error that retrying will not fix). */
export class DbError extends Error {
  constructor(
    readonly fn: string,
    readonly code: string,
    message: string,
  ) {
    super(`${fn}: ${message} (${code})`);
  }
}

/**
 * Calls a SQL function through PostgREST with the secret key. Unreachable database or gateway
 * (network error, 5xx) → UpstreamError (retryable); a Postgres error → DbError with its SQLSTATE.
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
    if (status === 0 || status >= 500 || !error.code) throw new UpstreamError("supabase", `${fn}: ${error.message}`);
    throw new DbError(fn, error.code, error.message);
  }
  return data as T;
}
