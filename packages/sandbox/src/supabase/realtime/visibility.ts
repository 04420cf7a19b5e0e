import type pg from "pg";
import type { RequestRole } from "../request-role.ts";
import { qualified, quoteIdent, type Table } from "../rest/catalog.ts";
import type { Row } from "./change-feed.ts";

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/**
 * Whether the subscriber may `select` this row, asked of Postgres under the subscriber's own role
 * and claims (RLS decides, as Supabase Realtime does). Found by primary key.
 */
export async function canSelectRow(db: pg.Pool, who: RequestRole, table: Table, row: Row): Promise<boolean> {
  if (table.primaryKey.length === 0) return false;
  const values = table.primaryKey.map((k) => asText(row[k]));
  if (values.some((v) => v === null)) return false;
  const where = table.primaryKey.map((k, i) => `${quoteIdent(k)} = $${i + 1}`).join(" and ");
  const client = await db.connect();
  try {
    await client.query("begin");
    await client.query(
      "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('search_path', 'public, extensions', true)",
      [who.role, JSON.stringify(who.claims)],
    );
    const { rowCount } = await client.query(`select 1 from ${qualified(table)} where ${where} limit 1`, values);
    await client.query("commit");
    return (rowCount ?? 0) > 0;
  } catch {
    await client.query("rollback").catch(() => undefined);
    return false;
  } finally {
    client.release();
  }
}
