import type pg from "pg";
import { bindValue, Params } from "./build-sql.ts";
import type { Catalog, DbFunction } from "./catalog.ts";
import { qualified, quoteIdent } from "./catalog.ts";
import { singleError, wantsObject } from "./negotiate.ts";
import { PgrstError } from "./pgrst-error.ts";
import { type RestResponse, rowsBody } from "./rest-response.ts";

function matches(fn: DbFunction, names: string[]): boolean {
  const known = new Set(fn.args.map((a) => a.name));
  return names.every((n) => known.has(n)) && fn.args.every((a) => a.hasDefault || names.includes(a.name));
}

function notFound(name: string, names: string[]): PgrstError {
  const list = names.join(", ");
  return new PgrstError(
    404,
    "PGRST202",
    `Could not find the function public.${name}${names.length ? `(${list})` : " without parameters"} in the schema cache`,
    {
      details: `Searched for the function public.${name} ${names.length ? `with parameters ${list}` : "without parameters"} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    },
  );
}

/** Picks the overload whose named arguments fit (PostgREST resolves by argument names). */
export async function findFunction(catalog: Catalog, name: string, args: Record<string, unknown>): Promise<DbFunction> {
  const names = Object.keys(args);
  const candidates = (await catalog.functions(name)).filter((f) => matches(f, names));
  const fn = candidates.sort((a, b) => a.args.length - b.args.length)[0];
  if (!fn) throw notFound(name, names);
  return fn;
}

/** `POST /rpc/<fn>` (or GET): fn(arg => $1::type, …); scalar → bare value, set → array, composite → object. */
export async function callFunction(
  client: pg.PoolClient,
  req: Request,
  fn: DbFunction,
  args: Record<string, unknown>,
): Promise<RestResponse> {
  const single = wantsObject(req);
  const p = new Params();
  const argSql = fn.args
    .filter((a) => a.name in args)
    .map((a) => `${quoteIdent(a.name)} => ${p.add(bindValue(a.type, args[a.name]))}::${a.type}`)
    .join(", ");
  const call = `${qualified(fn)}(${argSql})`;
  if (fn.returnsVoid) {
    await client.query(`select ${call}`, p.values);
    return { status: 204, body: "", headers: {} };
  }
  if (fn.returnsSet) {
    const { rows } = await client.query<{ body: string; n: number }>(
      `select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n from ${call} _r`,
      p.values,
    );
    const row = rows[0] ?? { body: "[]", n: 0 };
    if (single && row.n !== 1) throw singleError(row.n);
    const { body, contentType } = rowsBody(row.body, single);
    return { status: 200, body, headers: { "Content-Type": contentType } };
  }
  const sql = fn.returnsComposite
    ? `select to_json(_r)::text as body from ${call} _r`
    : `select to_json(${call})::text as body`;
  const { rows } = await client.query<{ body: string | null }>(sql, p.values);
  return { status: 200, body: rows[0]?.body ?? "null", headers: {} };
}
