import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { assertPortFree, SandboxStartError } from "../postgres/start-postgres.ts";
import { decodePathSegment, matchRoute } from "./api-router.ts";
import { authenticate } from "./auth.ts";
import { Clock } from "./clock.ts";
import type { RecordedBody } from "./conformance/conformance.ts";
import type { Ctx } from "./context.ts";
import { StripeApiError, unsupportedEndpoint } from "./errors.ts";
import { EventLog, eventMatches } from "./events.ts";
import { decodeForm } from "./form-decode.ts";
import { handleCheckoutPage, handlePortalPage, handleReceiptPage } from "./hosted-pages.ts";
import { readBody, sendHtml, sendJson } from "./http-io.ts";
import { Idempotency } from "./idempotency.ts";
import { newId } from "./ids.ts";
import {
  endpointName,
  LimitError,
  type RateLimitSettings,
  RateLimits,
  STRIPE_TEST_MODE_LIMITS,
  writtenObject,
} from "./rate-limits.ts";
import { createEndpoint } from "./resources/webhook-endpoints.ts";
import { handleControl } from "./sandbox-controls.ts";
import { Store } from "./store.ts";
import { WebhookDelivery } from "./webhook-delivery.ts";

export interface StripeStandInOptions {
  databaseUrl: string;
  /** 0 picks a free port. */
  port: number;
  /** Pre-registers (by url, idempotently) an endpoint with this fixed secret and `enabled_events: ["*"]`. */
  webhook?: { url: string; secret: string };
  /** Delays before each retry of a failed delivery, in ms. */
  retrySchedule?: number[];
  deliveryConcurrency?: number;
  deliveryTimeoutMs?: number;
  /** Stripe's API limits (default: test mode's 25/s overall and per endpoint); `/_sandbox/limits` changes them. */
  limits?: Partial<RateLimitSettings>;
  log?: (line: string) => void;
  /** Sees every `/v1` answer with a Stripe object and every event emitted (the conformance check's recorder). */
  record?: (body: RecordedBody) => void;
}

export interface RunningStripeStandIn {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const DEFAULT_RETRY_SCHEDULE = [1000, 2000, 5000, 10_000, 30_000];
const schemaSql = join(import.meta.dirname, "..", "..", "sql", "stripe-standin.sql");

/** Starts the Stripe stand-in on 127.0.0.1: `/v1` API, hosted checkout and portal pages, `/_sandbox` controls. */
export async function startStripeStandIn(opts: StripeStandInOptions): Promise<RunningStripeStandIn> {
  if (opts.port !== 0) await assertPortFree(opts.port, "Stripe stand-in");
  const store = new Store(opts.databaseUrl, opts.log);
  const clock = new Clock();
  try {
    const { clockOffset } = await store.load(readFileSync(schemaSql, "utf8"));
    clock.setOffset(clockOffset);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw new SandboxStartError(
      `Stripe stand-in cannot use its database: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const limits = new RateLimits({ ...STRIPE_TEST_MODE_LIMITS, ...opts.limits });
  const idempotency = new Idempotency(store.pool);
  await idempotency.load();

  const endpoints = () =>
    store.ids("webhook_endpoint").flatMap((id) => {
      const e = store.get("webhook_endpoint", id);
      return e ? [e] : [];
    });
  const events = new EventLog(
    store,
    () => clock.now(),
    (type) => endpoints().filter((e) => e.status === "enabled" && eventMatches(e.enabled_events, type)).length,
  );
  const ctx: Ctx = { store, clock, events, baseUrl: "http://127.0.0.1:0" };
  const delivery = new WebhookDelivery({
    retrySchedule: opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    concurrency: opts.deliveryConcurrency ?? 32,
    timeoutMs: opts.deliveryTimeoutMs ?? 10_000,
    endpoint: (id) => store.get("webhook_endpoint", id),
    endpoints,
    ...(opts.log ? { log: opts.log } : {}),
    onDone: (eventId, endpointId) => {
      store.delete("pending_delivery", `${eventId}|${endpointId}`);
      store.commit().catch((e: unknown) => opts.log?.(`Stripe stand-in could not record a delivery: ${String(e)}`));
    },
  });

  const registerWebhook = async () => {
    if (!opts.webhook) return;
    const existing = endpoints().find((e) => e.url === opts.webhook?.url);
    if (existing) {
      store.put("webhook_endpoint", {
        ...existing,
        secret: opts.webhook.secret,
        enabled_events: ["*"],
        status: "enabled",
      });
    } else {
      createEndpoint(ctx, {
        url: opts.webhook.url,
        enabledEvents: ["*"],
        secret: opts.webhook.secret,
        description: "Gatehouse sandbox",
      });
    }
    await store.commit();
  };
  await registerWebhook();

  /** Makes a handler's changes durable (with its pending deliveries), then delivers the events it emitted. */
  const settle = async () => {
    const emitted = events.drain();
    if (opts.record) for (const e of emitted) opts.record({ kind: "event", source: e.type, body: JSON.stringify(e) });
    const jobs = delivery.plan(emitted);
    for (const j of jobs)
      if (j.persisted)
        store.put("pending_delivery", {
          id: `${j.event.id}|${j.endpointId}`,
          event: j.event.id,
          endpoint: j.endpointId,
        });
    await store.commit();
    delivery.start(jobs);
  };

  // Deliveries that were still pending when the stand-in last stopped.
  const restored = store.ids("pending_delivery").flatMap((id) => {
    const p = store.get("pending_delivery", id);
    const event = p ? store.get("event", p.event) : undefined;
    return p && event ? [delivery.restore(event, p.endpoint)] : [];
  });
  if (restored.length) opts.log?.(`Stripe stand-in resumes ${restored.length} pending webhook deliveries`);
  delivery.start(restored);

  const api = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const method = req.method ?? "GET";
    const requestId = newId("req", 14);
    const headers: Record<string, string> = { "request-id": requestId, "stripe-version": "2026-10-28.endive" };
    const rawKey = req.headers["idempotency-key"];
    const idemHeader = typeof rawKey === "string" && rawKey ? rawKey : null;
    let idemKey: string | null = null;
    let fingerprint = "";
    let release: () => void = () => undefined;
    try {
      const apiKey = authenticate(req.headers.authorization);
      const body = method === "GET" ? "" : await readBody(req);
      const raw = [url.search.slice(1), body].filter(Boolean).join("&");
      const match = matchRoute(method, url.pathname);
      if (!match) throw unsupportedEndpoint(method, url.pathname);
      release = await limits.admit(
        apiKey,
        endpointName(method, match.route.pattern),
        writtenObject(method, match.args),
      );
      if (idemHeader && method !== "GET") {
        headers["idempotency-key"] = idemHeader;
        const key = `${apiKey}:${idemHeader}`;
        fingerprint = Idempotency.fingerprint(method, url.pathname, raw);
        // begin() throws (409 in use, 400 other params) without this request owning the key: only a
        // request that began may finish or abandon it, or a refused one would free a running one's key.
        const found = idempotency.begin(key, fingerprint);
        if (found.kind === "replay") {
          return sendJson(res, found.status, found.body, { ...headers, "idempotent-replayed": "true" });
        }
        idemKey = key;
      }
      const params = decodeForm(raw);
      let result: unknown;
      const writesBefore = store.writeCount;
      try {
        result = match.route.handle(
          ctx,
          { method, path: url.pathname, params, request: { id: requestId, idempotencyKey: idemHeader } },
          match.args,
        );
      } finally {
        // Reads answer from memory at once; writes answer once they are durable.
        if (store.writeCount !== writesBefore) await settle();
      }
      const out = JSON.stringify(result);
      if (idemKey) await idempotency.finish(idemKey, fingerprint, 200, out);
      opts.record?.({ kind: "response", source: `${method} ${url.pathname}`, body: out });
      sendJson(res, 200, out, headers);
    } catch (e) {
      const err =
        e instanceof StripeApiError
          ? e
          : new StripeApiError(500, "api_error", `The stand-in failed: ${e instanceof Error ? e.message : String(e)}`);
      if (err.status >= 500) opts.log?.(`stripe stand-in ${method} ${url.pathname}: ${err.message}`);
      const out = JSON.stringify(err.toJSON());
      if (idemKey) {
        if (err.stored) await idempotency.finish(idemKey, fingerprint, err.status, out).catch(() => undefined);
        else idempotency.abandon(idemKey);
      }
      sendJson(res, err.status, out, err instanceof LimitError ? { ...headers, ...err.headers } : headers);
    } finally {
      release();
    }
  };

  const deps = {
    ctx,
    delivery,
    limits,
    settle,
    saveClock: () => store.saveMeta("clock_offset", clock.offset),
    reset: async () => {
      delivery.reset();
      await store.reset();
      idempotency.clear();
      clock.setOffset(0);
      await registerWebhook();
    },
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const run = async () => {
      if (path.startsWith("/v1/")) return api(req, res, url);
      if (path.startsWith("/_sandbox/")) return handleControl(deps, req, res, url);
      const checkout = /^\/checkout\/([^/]+)$/.exec(path);
      const method = req.method ?? "GET";
      if (checkout)
        return handleCheckoutPage(ctx, settle, req, res, decodePathSegment(method, path, checkout[1] ?? ""));
      const receipt = /^\/receipts\/([^/]+)$/.exec(path);
      if (receipt && method === "GET")
        return handleReceiptPage(ctx, res, decodePathSegment(method, path, receipt[1] ?? ""));
      const portal = /^\/portal\/([^/]+)$/.exec(path);
      if (portal) return handlePortalPage(ctx, settle, req, res, decodePathSegment(method, path, portal[1] ?? ""));
      if (path === "/")
        return sendHtml(
          res,
          200,
          "<!doctype html><title>Stripe stand-in</title><p>Gatehouse Stripe stand-in: /v1, /checkout/:id, /portal/:id, /_sandbox</p>",
        );
      throw unsupportedEndpoint(method, path);
    };
    run().catch((e: unknown) => {
      const err =
        e instanceof StripeApiError
          ? e
          : new StripeApiError(500, "api_error", e instanceof Error ? e.message : String(e));
      if (err.status >= 500) opts.log?.(`stripe stand-in ${req.method} ${path}: ${err.message}`);
      if (!res.headersSent) sendJson(res, err.status, JSON.stringify(err.toJSON()));
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new SandboxStartError(
          err.code === "EADDRINUSE"
            ? `port ${opts.port} (Stripe stand-in) is already in use on 127.0.0.1: stop whatever holds it and try again`
            : `cannot bind 127.0.0.1:${opts.port} for the Stripe stand-in: ${err.message}`,
        ),
      ),
    );
    server.listen(opts.port, "127.0.0.1", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : opts.port);
    });
  }).catch(async (e: unknown) => {
    delivery.stop();
    await store.close();
    throw e;
  });
  const url = `http://127.0.0.1:${port}`;
  ctx.baseUrl = url;
  opts.log?.(`Stripe stand-in on ${url}${opts.webhook ? `, delivering webhooks to ${opts.webhook.url}` : ""}`);

  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      delivery.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
