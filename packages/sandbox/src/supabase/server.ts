import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleAuth } from "./auth/routes.ts";
import type { StandInContext } from "./context.ts";
import { answerPreflight, applyCors } from "./cors.ts";
import { send, sendJson } from "./http.ts";
import { renderInboxPage } from "./inbox-page.ts";
import { REALTIME_PATH, type RealtimeServer } from "./realtime/realtime-server.ts";
import type { Catalog } from "./rest/catalog.ts";
import { handleRest } from "./rest/routes.ts";
import { handleStorage } from "./storage/routes.ts";
import type { StorageContext } from "./storage/storage-context.ts";

/** One HTTP server for /auth/v1, /rest/v1, /storage/v1, the realtime upgrade, the inbox page and /resend. */
export function createStandInServer(
  ctx: StandInContext,
  catalog: Catalog,
  realtime: RealtimeServer,
  storage: StorageContext,
): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    applyCors(req, res);
    if (req.method === "OPTIONS") return answerPreflight(req, res);
    const path = url.pathname;
    if (path === "/auth/v1" || path.startsWith("/auth/v1/")) return handleAuth(ctx, req, res, path.slice(8), url);
    if (path === "/rest/v1" || path.startsWith("/rest/v1/"))
      return handleRest(ctx, catalog, req, res, path.slice(8), url);
    if (path === "/storage/v1" || path.startsWith("/storage/v1/")) {
      // The raw path, as Storage routes it: URL parsing would resolve `..` segments away.
      const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
      return handleStorage(
        storage,
        req,
        res,
        rawPath.startsWith("/storage/v1") ? rawPath.slice(11) : path.slice(11),
        url,
      );
    }
    if (path === "/resend" || path.startsWith("/resend/")) return ctx.resend.handle(req, res, path.slice(7));
    if ((path === "/" || path === "/inbox") && (req.method === "GET" || req.method === "HEAD")) {
      return send(res, 200, renderInboxPage(ctx.inbox.list()), { "Content-Type": "text/html; charset=utf-8" });
    }
    if (path === "/inbox.json" && req.method === "GET") return sendJson(res, 200, ctx.inbox.list());
    sendJson(res, 404, {
      code: "not_found",
      message: `${req.method} ${path} is not served by the Supabase stand-in (it serves /auth/v1, /rest/v1, /storage/v1, /realtime/v1/websocket, /inbox and the Resend stand-in under /resend)`,
    });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      ctx.log(`${req.method} ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { code: "unexpected_failure", message: "Unexpected failure" });
      else res.end();
    });
  });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== REALTIME_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    realtime.handleUpgrade(req, socket, head, url);
  });
  return server;
}
