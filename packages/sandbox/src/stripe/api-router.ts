import { type Context, Hono } from "hono";
import { MAX_BODY_BYTES, readText } from "../http/body.ts";
import { authenticate } from "./auth.ts";
import type { RecordedBody } from "./conformance/conformance.ts";
import type { Ctx, Route } from "./context.ts";
import { unsupportedEndpoint } from "./errors.ts";
import { decodeForm } from "./form-decode.ts";
import { Idempotency } from "./idempotency.ts";
import { newId } from "./ids.ts";
import { endpointName, LimitError, type RateLimits, writtenObject } from "./rate-limits.ts";
import { billingPortalRoutes } from "./resources/billing-portal.ts";
import { checkoutSessionRoutes } from "./resources/checkout-sessions.ts";
import { customerRoutes } from "./resources/customers.ts";
import { entitlementRoutes } from "./resources/entitlements.ts";
import { eventRoutes } from "./resources/events.ts";
import { invoiceRoutes } from "./resources/invoices.ts";
import { paymentRoutes } from "./resources/payments.ts";
import { priceRoutes } from "./resources/prices.ts";
import { productRoutes } from "./resources/products.ts";
import { subscriptionScheduleRoutes } from "./resources/subscription-schedules.ts";
import { subscriptionRoutes } from "./resources/subscriptions.ts";
import { taxIdRoutes } from "./resources/tax-ids.ts";
import { webhookEndpointRoutes } from "./resources/webhook-endpoints.ts";
import { asStripeError, bodyTooLarge, checkPathEncoding, stripeJson } from "./respond.ts";
import type { Store } from "./store.ts";

/** Every `/v1` endpoint the stand-in implements; anything else is refused with 404 invalid_request_error. */
export const apiRoutes: Route[] = [
  ...productRoutes,
  ...entitlementRoutes,
  ...priceRoutes,
  ...customerRoutes,
  ...taxIdRoutes,
  ...checkoutSessionRoutes,
  ...subscriptionRoutes,
  ...subscriptionScheduleRoutes,
  ...invoiceRoutes,
  ...billingPortalRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...paymentRoutes,
];

export interface ApiDeps {
  ctx: Ctx;
  store: Store;
  limits: RateLimits;
  idempotency: Idempotency;
  /** Makes a handler's changes durable, then delivers the events it emitted. */
  settle(): Promise<void>;
  record?: (body: RecordedBody) => void;
  log?: (line: string) => void;
}

/**
 * `/v1`: each route of `apiRoutes` on Hono, all through one pipeline, as Stripe answers: the API key,
 * the body (form, with the query string), the rate limits, Idempotency-Key, then the handler; its
 * writes are durable before the answer. Errors in Stripe's shape, with Request-Id and Stripe-Version.
 */
export function apiApp(deps: ApiDeps): Hono {
  const { ctx, store, limits, idempotency } = deps;

  const serve = async (c: Context, route: Route | null): Promise<Response> => {
    const method = c.req.method;
    const path = new URL(c.req.url).pathname;
    const requestId = newId("req", 14);
    const headers: Record<string, string> = { "request-id": requestId, "stripe-version": "2026-10-28.endive" };
    const idemHeader = c.req.header("idempotency-key") || null;
    let idemKey: string | null = null;
    let fingerprint = "";
    let release: () => void = () => undefined;
    try {
      const apiKey = authenticate(c.req.header("authorization"));
      const body = method === "GET" ? "" : await readText(c, () => bodyTooLarge(MAX_BODY_BYTES));
      const raw = [new URL(c.req.url).search.slice(1), body].filter(Boolean).join("&");
      // Hono answers HEAD with the GET route: Stripe has no HEAD endpoint.
      if (!route || route.method !== method) throw unsupportedEndpoint(method, path);
      checkPathEncoding(method, path);
      const args = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => c.req.param(name ?? "") ?? "");
      release = await limits.admit(apiKey, endpointName(method, route.path), writtenObject(method, args));
      if (idemHeader && method !== "GET") {
        headers["idempotency-key"] = idemHeader;
        const key = `${apiKey}:${idemHeader}`;
        fingerprint = Idempotency.fingerprint(method, path, raw);
        // begin() throws (409 in use, 400 other params) without this request owning the key: only a
        // request that began may finish or abandon it, or a refused one would free a running one's key.
        const found = idempotency.begin(key, fingerprint);
        if (found.kind === "replay") {
          return stripeJson(found.status, found.body, { ...headers, "idempotent-replayed": "true" });
        }
        idemKey = key;
      }
      const params = decodeForm(raw);
      let result: unknown;
      const writesBefore = store.writeCount;
      try {
        result = route.handle(
          ctx,
          { method, path, params, request: { id: requestId, idempotencyKey: idemHeader } },
          args,
        );
      } finally {
        // Reads answer from memory at once; writes answer once they are durable.
        if (store.writeCount !== writesBefore) await deps.settle();
      }
      const out = JSON.stringify(result);
      if (idemKey) await idempotency.finish(idemKey, fingerprint, 200, out);
      deps.record?.({ kind: "response", source: `${method} ${path}`, body: out });
      return stripeJson(200, out, headers);
    } catch (e) {
      const err = asStripeError(e, deps.log, `${method} ${path}`);
      const out = JSON.stringify(err.toJSON());
      if (idemKey) {
        if (err.stored) await idempotency.finish(idemKey, fingerprint, err.status, out).catch(() => undefined);
        else idempotency.abandon(idemKey);
      }
      return stripeJson(err.status, out, err instanceof LimitError ? { ...headers, ...err.headers } : headers);
    } finally {
      release();
    }
  };

  const app = new Hono();
  for (const route of apiRoutes) app.on(route.method, route.path, (c) => serve(c, route));
  app.all("*", (c) => serve(c, null));
  return app;
}
