import type pg from "pg";
import { bindValue, checkColumn, Params, selectList, whereClause } from "./build-sql.ts";
import { qualified, quoteIdent, type Table } from "./catalog.ts";
import { preferences, singleError, wantsObject } from "./negotiate.ts";
import type { ParsedQuery } from "./parse-query.ts";
import { PgrstError } from "./pgrst-error.ts";
import { type RestResponse, rowsBody } from "./rest-response.ts";

type Row = Record<string, unknown>;

function isRow(v: unknown): v is Row {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalidBody(message: string): PgrstError {
  return new PgrstError(400, "PGRST102", message);
}

/** A payload key that is not a column: PostgREST's PGRST204. */
function checkPayloadColumn(table: Table, column: string): string {
  if (!table.columns.has(column)) {
    throw new PgrstError(
      400,
      "PGRST204",
      `Could not find the '${column}' column of '${table.name}' in the schema cache`,
    );
  }
  return quoteIdent(column);
}

function columnType(table: Table, column: string): string {
  return table.columns.get(column)?.type ?? "text";
}

function insertSql(table: Table, q: ParsedQuery, body: unknown, req: Request, p: Params): string {
  const rows = Array.isArray(body) ? body : [body];
  if (!rows.every(isRow)) throw invalidBody("All object keys must match");
  const cols = q.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  for (const c of cols) checkPayloadColumn(table, c);
  const target = qualified(table);
  if (cols.length === 0) return `insert into ${target} as _t default values`;
  const values = rows
    .map(
      (r) =>
        `(${cols
          .map((c) => (c in r ? `${p.add(bindValue(columnType(table, c), r[c]))}::${columnType(table, c)}` : "default"))
          .join(", ")})`,
    )
    .join(", ");
  let sql = `insert into ${target} as _t (${cols.map(quoteIdent).join(", ")}) values ${values}`;
  const { resolution } = preferences(req);
  if (resolution) {
    const conflict = q.onConflict ?? table.primaryKey;
    if (conflict.length === 0)
      throw new PgrstError(400, "PGRST100", "on_conflict is required: the table has no primary key");
    const targetCols = conflict.map((c) => checkColumn(table, c)).join(", ");
    const updates = cols
      .filter((c) => !conflict.includes(c))
      .map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
    sql +=
      resolution === "ignore-duplicates" || updates.length === 0
        ? ` on conflict (${targetCols}) do nothing`
        : ` on conflict (${targetCols}) do update set ${updates.join(", ")}`;
  }
  return sql;
}

function updateSql(table: Table, q: ParsedQuery, body: unknown, p: Params): string | undefined {
  if (!isRow(body)) throw invalidBody("Empty or invalid json: PATCH takes one JSON object");
  const cols = Object.keys(body);
  if (cols.length === 0) return undefined;
  const sets = cols.map(
    (c) =>
      `${checkPayloadColumn(table, c)} = ${p.add(bindValue(columnType(table, c), body[c]))}::${columnType(table, c)}`,
  );
  return `update ${qualified(table)} as _src set ${sets.join(", ")}${whereClause(table, q.filters, p)}`;
}

/** POST (insert / upsert), PATCH (update), DELETE on a table, with Prefer: return=… and .single(). */
export async function writeTable(
  client: pg.PoolClient,
  req: Request,
  table: Table,
  q: ParsedQuery,
  body: unknown,
): Promise<RestResponse> {
  const method = req.method;
  const single = wantsObject(req);
  const prefs = preferences(req);
  const p = new Params();
  let write: string | undefined;
  if (method === "POST") write = insertSql(table, q, body, req, p);
  else if (method === "PATCH") write = updateSql(table, q, body, p);
  else write = `delete from ${qualified(table)} as _src${whereClause(table, q.filters, p)}`;
  const created = method === "POST" ? 201 : 200;
  const representation = prefs.return === "representation";
  if (!write) {
    return {
      status: representation ? 200 : 204,
      body: representation ? "[]" : "",
      headers: { "Content-Range": "*/0" },
    };
  }
  const headers: Record<string, string> = {};
  if (prefs.return) headers["Preference-Applied"] = `return=${prefs.return}`;
  if (!representation) {
    const result = await client.query(write, p.values);
    const n = result.rowCount ?? 0;
    if (single && n !== 1) throw singleError(n);
    headers["Content-Range"] = `*/${prefs.count ? n : "*"}`;
    return { status: method === "POST" ? 201 : 204, body: "", headers };
  }
  const list = selectList(table, q.select);
  const { rows } = await client.query<{ body: string; n: number }>(
    `with _w as (${write} returning *)
     select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n from (select ${list} from _w _src) _r`,
    p.values,
  );
  const row = rows[0] ?? { body: "[]", n: 0 };
  if (single && row.n !== 1) throw singleError(row.n);
  const { body: out, contentType } = rowsBody(row.body, single);
  headers["Content-Type"] = contentType;
  headers["Content-Range"] = `*/${prefs.count ? row.n : "*"}`;
  return { status: created, body: out, headers };
}
