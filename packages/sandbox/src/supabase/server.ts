import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { jsonResponse, textResponse } from "../http/respond.ts";
import { authRoutes } from "./auth/routes.ts";
import type { StandInContext } from "./context.ts";
import { cors } from "./cors.ts";
import { renderInboxPage } from "./inbox-page.ts";
import type { Catalog } from "./rest/catalog.ts";
import { restRoutes } from "./rest/routes.ts";
import { storageRoutes } from "./storage/routes.ts";
import type { StorageContext } from "./storage/storage-context.ts";

/**
 * The path as the client sent it, neither decoded nor normalised: Storage must see `..` segments
 * to refuse them (the URL parser would resolve them away), and every area routes on the same path.
 */
function rawPath(req: Request, env?: HttpBindings): string {
  const sent = env?.incoming.url ?? new URL(req.url).pathname;
  return sent.split("?")[0] || "/";
}

/**
 * One app for /auth/v1, /rest/v1, /storage/v1, the inbox page and the Resend stand-in under
 * /resend (the realtime upgrade is the server's, see index.ts), each area a sub-app with its own
 * error shape.
 */
export function standInApp(
  ctx: StandInContext,
  catalog: Catalog,
  storage: StorageContext,
): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>({ getPath: (req, opts) => rawPath(req, opts?.env) });
  app.use(cors);
  app.route("/auth/v1", authRoutes(ctx));
  app.route("/rest/v1", restRoutes(ctx, catalog));
  app.route("/storage/v1", storageRoutes(storage));
  app.route("/resend", ctx.resend.routes());
  const inbox = () =>
    textResponse(200, renderInboxPage(ctx.inbox.list()), { "Content-Type": "text/html; charset=utf-8" });
  app.get("/", inbox);
  app.get("/inbox", inbox);
  app.get("/inbox.json", (c) => (c.req.method === "HEAD" ? c.notFound() : jsonResponse(200, ctx.inbox.list())));
  app.notFound((c) =>
    jsonResponse(404, {
      code: "not_found",
      message: `${c.req.method} ${c.req.path} is not served by the Supabase stand-in (it serves /auth/v1, /rest/v1, /storage/v1, /realtime/v1/websocket, /inbox and the Resend stand-in under /resend)`,
    }),
  );
  app.onError((e, c) => {
    ctx.log(`${c.req.method} ${c.req.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return jsonResponse(500, { code: "unexpected_failure", message: "Unexpected failure" });
  });
  return app;
}
