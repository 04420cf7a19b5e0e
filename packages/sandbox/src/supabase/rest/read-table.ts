import type pg from "pg";
import { orderClause, Params, selectList, whereClause } from "./build-sql.ts";
import { qualified, type Table } from "./catalog.ts";
import { preferences, singleError, wantsObject } from "./negotiate.ts";
import type { ParsedQuery } from "./parse-query.ts";
import { type RestResponse, rowsBody } from "./rest-response.ts";

/** GET / HEAD on a table or view: select, filters, order, limit/offset, count, .single(). */
export async function readTable(
  client: pg.PoolClient,
  req: Request,
  table: Table,
  q: ParsedQuery,
): Promise<RestResponse> {
  const single = wantsObject(req);
  const { count } = preferences(req);
  const p = new Params();
  const where = whereClause(table, q.filters, p);
  const list = selectList(table, q.select);
  const order = orderClause(table, q.order);
  const limit = q.limit !== undefined ? ` limit ${p.add(q.limit)}` : "";
  const offset = q.offset !== undefined ? ` offset ${p.add(q.offset)}` : "";
  const from = qualified(table);
  const total = count ? `, (select count(*) from ${from} _src${where})::int as total` : "";
  const sql = `select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n${total}
                 from (select ${list} from ${from} _src${where}${order}${limit}${offset}) _r`;
  const { rows } = await client.query<{ body: string; n: number; total?: number }>(sql, p.values);
  const row = rows[0] ?? { body: "[]", n: 0 };
  if (single && row.n !== 1) throw singleError(row.n);
  const start = q.offset ?? 0;
  const totalText = row.total === undefined ? "*" : String(row.total);
  const range = row.n > 0 ? `${start}-${start + row.n - 1}/${totalText}` : `*/${totalText}`;
  const partial = row.total !== undefined && (start > 0 || row.n < row.total) && row.n > 0;
  const { body, contentType } = rowsBody(row.body, single);
  return {
    status: partial ? 206 : 200,
    body,
    headers: { "Content-Type": contentType, "Content-Range": range },
  };
}
