import type { IncomingMessage, ServerResponse } from "node:http";
import { checkApiKey } from "../api-keys.ts";
import type { StandInContext } from "../context.ts";
import { BodyTooLargeError, bearer, readBody, send, sendJson } from "../http.ts";
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

async function whoIsAsking(ctx: StandInContext, req: IncomingMessage, url: URL): Promise<RequestRole> {
  const gateway = checkApiKey(req, url);
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

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new PgrstError(413, "PGRST102", "Request body too large");
    throw e;
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new PgrstError(400, "PGRST102", "Empty or invalid json");
  }
}

function referencedColumns(q: ParsedQuery): string[] {
  return [
    ...q.select.flatMap((s) => (s.kind === "column" ? [s.column] : [])),
    ...q.filters.map((f) => f.column),
    ...q.order.map((o) => o.column),
  ];
}

async function serveTable(
  ctx: StandInContext,
  catalog: Catalog,
  req: IncomingMessage,
  who: RequestRole,
  name: string,
  url: URL,
  path: string,
): Promise<RestResponse> {
  const method = req.method ?? "GET";
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
  const body = method === "POST" || method === "PATCH" ? await jsonBody(req) : undefined;
  if ((method === "POST" || method === "PATCH") && body === undefined) {
    throw new PgrstError(400, "PGRST102", "Empty or invalid json");
  }
  return inRequestTransaction(ctx.db, who, req, path, (c) =>
    method === "GET" || method === "HEAD" ? readTable(c, req, table, q) : writeTable(c, req, table, q, body),
  );
}

async function serveRpc(
  ctx: StandInContext,
  catalog: Catalog,
  req: IncomingMessage,
  who: RequestRole,
  name: string,
  url: URL,
  path: string,
): Promise<RestResponse> {
  const method = req.method ?? "POST";
  let args: Record<string, unknown>;
  if (method === "POST") {
    const extra = [...url.searchParams.keys()].filter((k) => k !== "select");
    if (extra.length) throw badQuery(`filters on RPC results (${extra.join(", ")}) are not supported by the sandbox`);
    const body = (await jsonBody(req)) ?? {};
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
  return inRequestTransaction(ctx.db, who, req, path, (c) => callFunction(c, req, fn, args));
}

/** Serves `/rest/v1/*`; `path` is the part after `/rest/v1`. */
export async function handleRest(
  ctx: StandInContext,
  catalog: Catalog,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
): Promise<void> {
  let role = "anon";
  try {
    const who = await whoIsAsking(ctx, req, url);
    role = who.role;
    checkProfile(req);
    let segments: string[];
    try {
      segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = [];
    }
    let out: RestResponse;
    if (segments.length === 2 && segments[0] === "rpc" && segments[1]) {
      out = await serveRpc(ctx, catalog, req, who, segments[1], url, `/rest/v1${path}`);
    } else if (segments.length === 1 && segments[0]) {
      out = await serveTable(ctx, catalog, req, who, segments[0], url, `/rest/v1${path}`);
    } else {
      throw new PgrstError(404, "PGRST125", "Invalid path specified in request URL", {
        details: "the sandbox serves /rest/v1/<table> and /rest/v1/rpc/<function> only",
      });
    }
    send(res, out.status, out.body, out.headers);
  } catch (e) {
    const err = e instanceof PgrstError ? e : isPgError(e) ? fromPgError(e, role) : undefined;
    if (err) {
      sendJson(res, err.status, err.toBody(), err.headers);
      return;
    }
    ctx.log(`rest ${req.method} ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    sendJson(res, 500, {
      code: "PGRST000",
      details: null,
      hint: null,
      message: "Unexpected error in the Supabase stand-in",
    });
  }
}
