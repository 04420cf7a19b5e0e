import type { Clock } from "./clock.ts";
import type { EventLog, RequestInfo } from "./events.ts";
import type { ParamObject } from "./form-decode.ts";
import type { Store } from "./store.ts";

/** What every handler gets: the state, the clock, the event log and where the stand-in is reachable. */
export interface Ctx {
  store: Store;
  clock: Clock;
  events: EventLog;
  baseUrl: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  params: ParamObject;
  request: RequestInfo;
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** A Hono path under `/v1` (`/customers/:id`); the handler gets its parameters in order as `args`. */
  path: string;
  handle(ctx: Ctx, req: ApiRequest, args: string[]): unknown;
}

const on =
  (method: Route["method"]) =>
  (path: string, handle: Route["handle"]): Route => ({ method, path, handle });

/** Hono-style route builders for the resource files: `route.get("/customers/:id", (ctx, req, [id]) => …)`. */
export const route = { get: on("GET"), post: on("POST"), del: on("DELETE") };
