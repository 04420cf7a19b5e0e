import type { Database, Db, Tables } from "@gatehouse/types";
import {
  type DbFunctionArgs,
  type DbFunctionName,
  type DbFunctionResult,
  parseDbFunctionResult,
} from "@gatehouse/types/db-functions";
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
 * Calls a SQL function through PostgREST with the secret key, typed by its name from the generated
 * `Database` types: the arguments are checked at compile time, the result is the generated type or,
 * for a jsonb result, the shape its contract declares (checked once, here). Unreachable database or
 * gateway → UpstreamError (retryable); a Postgres error → DbError with its SQLSTATE.
 */
export async function callRpc<F extends DbFunctionName>(
  db: Db,
  fn: F,
  args: DbFunctionArgs<F>,
): Promise<DbFunctionResult<F>> {
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
  try {
    return parseDbFunctionResult(fn, data);
  } catch (e) {
    // The SQL function and its contract in @gatehouse/types disagree: a bug, never data to use.
    throw new Error(`${fn} answered what its contract does not allow: ${e instanceof Error ? e.message : String(e)}`);
  }
}

type TableName = keyof Database["public"]["Tables"] & string;

/**
 * Reads at most one row where column = value, with the secret key: the named columns of the
 * table's generated row type. An outage → UpstreamError (retryable); any other error is a bug and
 * throws as such.
 */
export async function selectOne<T extends TableName, K extends keyof Tables<T> & string>(
  db: Db,
  table: T,
  columns: readonly K[],
  column: keyof Tables<T> & string,
  value: string,
): Promise<Pick<Tables<T>, K> | null> {
  let result: { data: unknown; error: { code?: string; message: string } | null; status: number };
  try {
    // Widened to any table and column: the row's type is the one the return type names below.
    const from: TableName = table;
    const by: string = column;
    result = await db.from(from).select(columns.join(",")).eq(by, value).maybeSingle();
  } catch (e) {
    throw new UpstreamError("supabase", e instanceof Error ? e.message : String(e));
  }
  const { data, error, status } = result;
  if (error) {
    if (isOutage(error, status)) throw new UpstreamError("supabase", `${table}: ${error.message}`);
    throw new Error(`${table} lookup failed: ${error.message}`);
  }
  // PostgREST answered exactly these columns of this table's row (the select above).
  return data as Pick<Tables<T>, K> | null;
}
