import type pg from "pg";
import type { RequestRole } from "../request-role.ts";
import { qualified, type Table } from "../rest/catalog.ts";
import type { Row } from "./change-feed.ts";

/**
 * Whether the subscriber may `select` this row, asked of Postgres under the subscriber's own role
 * and claims (RLS decides, as Supabase Realtime does): sandbox_realtime.can_select switches role
 * and claims locally in its one-statement transaction and finds the row by primary key.
 */
export async function canSelectRow(db: pg.Pool, who: RequestRole, table: Table, row: Row): Promise<boolean> {
  if (table.primaryKey.length === 0) return false;
  if (table.primaryKey.some((k) => row[k] === null || row[k] === undefined)) return false;
  try {
    const { rows } = await db.query<{ visible: boolean }>(
      "select sandbox_realtime.can_select($1, $2, $3::regclass, $4::jsonb) as visible",
      [who.role, JSON.stringify(who.claims), qualified(table), JSON.stringify(row)],
    );
    return rows[0]?.visible === true;
  } catch {
    return false;
  }
}
