import { type Context, Hono } from "hono";
import { bearer, readJson } from "../../http/body.ts";
import { jsonResponse, textResponse } from "../../http/respond.ts";
import { checkApiKey } from "../api-keys.ts";
import type { StandInContext } from "../context.ts";
import { type RequestRole, resolveRole } from "../request-role.ts";
import { callFunction, findFunction } from "./call-function.ts";
import type { Catalog } from "./catalog.ts";
import { checkProfile } from "./negotiate.ts";
import { type ParsedQuery, parseQuery } from "./parse-query.ts";
import { fromPgError, isPgError } from "./pg-error.ts";
import { badQuery, PgrstError } from "./pgrst-error.ts";
import { readTable } from "./read-table.ts";
import { inRequestTransaction } from "./request-transaction.ts";
import type { RestResponse } from "./rest-response.ts";
import { writeTable } from "./write-table.ts";

async function whoIsAsking(ctx: StandInContext, req: Request): Promise<RequestRole> {
  const gateway = checkApiKey(req);
  if (!gateway.ok) throw new PgrstError(401, "PGRST000", gateway.body.message, { hint: gateway.body.hint });
  const result = await resolveRole(ctx.keys, gateway.role, bearer(req));
  if (result.ok) return result.value;
  if (result.reason === "expired") {
    throw new PgrstError(401, "PGRST303", "JWT expired", {
      headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="JWT expired"' },
    });
  }
  throw new PgrstError(401, "PGRST301", "No suitable key or wrong key type", {
    details: result.message,
    headers: {
      "WWW-Authenticate": 'Bearer error="invalid_token", error_description="No suitable key or wrong key type"',
    },
  });
}

const BODY_ERRORS = {
  tooLarge: () => new PgrstError(413, "PGRST102", "Request body too large"),
  invalid: () => new PgrstError(400, "PGRST102", "Empty or invalid json"),
};

function referencedColumns(q: ParsedQuery): string[] {
  return [
    ...q.select.flatMap((s) => (s.kind === "column" ? [s.column] : [])),
    ...q.filters.map((f) => f.column),
    ...q.order.map((o) => o.column),
  ];
}

type RestEnv = { Variables: { who: RequestRole } };

/** What a table or RPC call works with: the stand-in, the request and who asks. */
interface RestCall {
  ctx: StandInContext;
  catalog: Catalog;
  c: Context<RestEnv>;
  req: Request;
  method: string;
  url: URL;
  who: RequestRole;
}

async function serveTable({ ctx, catalog, c, req, method, url, who }: RestCall, name: string): Promise<RestResponse> {
  if (!["GET", "HEAD", "POST", "PATCH", "DELETE"].includes(method)) {
    throw new PgrstError(405, "PGRST117", `Unsupported HTTP method: ${method}`);
  }
  const q = parseQuery(url.searchParams);
  const table = await catalog.tableWithColumns(name, referencedColumns(q));
  if (!table) {
    const names = await catalog.tableNames();
    const near = names.find((n) => n.includes(name) || name.includes(n));
    throw new PgrstError(404, "PGRST205", `Could not find the table 'public.${name}' in the schema cache`, {
      hint: near ? `Perhaps you meant the table 'public.${near}'` : null,
    });
  }
  const body = method === "POST" || method === "PATCH" ? await readJson(c, BODY_ERRORS, undefined) : undefined;
  if ((method === "POST" || method === "PATCH") && body === undefined) {
    throw new PgrstError(400, "PGRST102", "Empty or invalid json");
  }
  return inRequestTransaction(ctx.db, who, req, url.pathname, (client) =>
    method === "GET" || method === "HEAD" ? readTable(client, req, table, q) : writeTable(client, req, table, q, body),
  );
}

async function serveRpc({ ctx, catalog, c, req, method, url, who }: RestCall, name: string): Promise<RestResponse> {
  let args: Record<string, unknown>;
  if (method === "POST") {
    const extra = [...url.searchParams.keys()].filter((k) => k !== "select");
    if (extra.length) throw badQuery(`filters on RPC results (${extra.join(", ")}) are not supported by the sandbox`);
    const body = (await readJson(c, BODY_ERRORS, undefined)) ?? {};
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new PgrstError(400, "PGRST102", "RPC arguments must be one JSON object of named arguments");
    }
    args = body as Record<string, unknown>;
  } else if (method === "GET") {
    args = Object.fromEntries(url.searchParams);
  } else {
    throw new PgrstError(405, "PGRST101", "Only GET and POST are allowed for RPC calls in the sandbox");
  }
  const fn = await findFunction(catalog, name, args);
  return inRequestTransaction(ctx.db, who, req, url.pathname, (client) => callFunction(client, req, fn, args));
}

const answer = (out: RestResponse) => textResponse(out.status, out.body, out.headers);

/**
 * `/rest/v1`: the API gateway's key check and the caller's role first (PostgREST's 401s), then
 * `/<table>` and `/rpc/<function>`; errors in PostgREST's `{code, details, hint, message}`.
 */
export function restRoutes(ctx: StandInContext, catalog: Catalog): Hono<RestEnv> {
  const call = (c: Context<RestEnv>): RestCall => {
    const req = c.req.raw;
    return { ctx, catalog, c, req, method: req.method, url: new URL(req.url), who: c.var.who };
  };
  return new Hono<RestEnv>()
    .use(async (c, next) => {
      const who = await whoIsAsking(ctx, c.req.raw);
      checkProfile(c.req.raw);
      c.set("who", who);
      await next();
    })
    .all("/rpc/:name", async (c) => answer(await serveRpc(call(c), c.req.param("name"))))
    .all("/:table", async (c) => answer(await serveTable(call(c), c.req.param("table"))))
    .all("*", () => {
      throw new PgrstError(404, "PGRST125", "Invalid path specified in request URL", {
        details: "the sandbox serves /rest/v1/<table> and /rest/v1/rpc/<function> only",
      });
    })
    .onError((e, c) => {
      const role = c.var.who?.role ?? "anon";
      const err = e instanceof PgrstError ? e : isPgError(e) ? fromPgError(e, role) : undefined;
      if (err) return jsonResponse(err.status, err.toBody(), err.headers);
      ctx.log(`rest ${c.req.method} ${c.req.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return jsonResponse(500, {
        code: "PGRST000",
        details: null,
        hint: null,
        message: "Unexpected error in the Supabase stand-in",
      });
    });
}
