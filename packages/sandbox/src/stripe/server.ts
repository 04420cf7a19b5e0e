import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { listen } from "../http/listen.ts";
import { assertPortFree, SandboxStartError } from "../postgres/start-postgres.ts";
import { apiApp } from "./api-router.ts";
import { Clock } from "./clock.ts";
import type { RecordedBody } from "./conformance/conformance.ts";
import type { Ctx } from "./context.ts";
import { unsupportedEndpoint } from "./errors.ts";
import { EventLog, eventMatches } from "./events.ts";
import { hostedPageRoutes } from "./hosted-pages.ts";
import { Idempotency } from "./idempotency.ts";
import { type RateLimitSettings, RateLimits, STRIPE_TEST_MODE_LIMITS } from "./rate-limits.ts";
import { createEndpoint } from "./resources/webhook-endpoints.ts";
import { asStripeError, html, stripeJson } from "./respond.ts";
import { controlRoutes } from "./sandbox-controls.ts";
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

  const app = new Hono()
    .route("/v1", apiApp({ ctx, store, limits, idempotency, settle, record: opts.record, log: opts.log }))
    .route("/_sandbox", controlRoutes(deps))
    .route("/", hostedPageRoutes(ctx, settle))
    .get("/", () =>
      html(
        200,
        "<!doctype html><title>Stripe stand-in</title><p>Gatehouse Stripe stand-in: /v1, /checkout/:id, /portal/:id, /_sandbox</p>",
      ),
    )
    .notFound((c) => {
      const err = unsupportedEndpoint(c.req.method, new URL(c.req.url).pathname);
      return stripeJson(err.status, JSON.stringify(err.toJSON()));
    })
    .onError((e, c) => {
      const err = asStripeError(e, opts.log, `${c.req.method} ${new URL(c.req.url).pathname}`);
      return stripeJson(err.status, JSON.stringify(err.toJSON()));
    });

  const http = await listen(app, opts.port, "Stripe stand-in").catch(async (e: unknown) => {
    delivery.stop();
    await store.close();
    throw e;
  });
  const { port } = http;
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
      await http.close();
      await store.close();
    },
  };
}
