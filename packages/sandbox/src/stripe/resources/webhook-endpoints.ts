import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing } from "../errors.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParameter("url", `Invalid URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw invalidParameter("url", `Invalid URL: ${url}`);
  return url;
}

function getEndpoint(ctx: Ctx, id: string): Stripe.WebhookEndpoint {
  const e = ctx.store.get("webhook_endpoint", id);
  if (!e) throw resourceMissing("webhook_endpoint", id);
  return e;
}

/** Without its secret: Stripe returns `secret` only from create. */
function publicView(e: Stripe.WebhookEndpoint): Stripe.WebhookEndpoint {
  const { secret: _secret, ...rest } = e;
  return rest;
}

/** Creates an endpoint (the secret is returned here only); `secret` fixed for the sandbox's own endpoint. */
export function createEndpoint(
  ctx: Ctx,
  init: {
    url: string;
    enabledEvents: string[];
    description?: string | null;
    metadata?: Record<string, string>;
    secret?: string;
    apiVersion?: string | null;
  },
): Stripe.WebhookEndpoint {
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId("we"),
    object: "webhook_endpoint",
    api_version: init.apiVersion ?? null,
    application: null,
    created: ctx.clock.now(),
    description: init.description ?? null,
    enabled_events: init.enabledEvents,
    livemode: false,
    metadata: init.metadata ?? {},
    secret: init.secret ?? `whsec_${randomBytes(24).toString("hex")}`,
    status: "enabled",
    url: checkUrl(init.url),
  };
  ctx.store.put("webhook_endpoint", endpoint);
  return endpoint;
}

function update(ctx: Ctx, req: ApiRequest, id: string): Stripe.WebhookEndpoint {
  const p = new Params(req.params, {
    url: "s",
    enabled_events: "list",
    disabled: "s",
    description: "s",
    metadata: "map",
    expand: "list",
  });
  const old = getEndpoint(ctx, id);
  const disabled = p.bool("disabled");
  const next: Stripe.WebhookEndpoint = {
    ...old,
    url: p.has("url") ? checkUrl(p.requireStr("url")) : old.url,
    enabled_events: p.has("enabled_events") ? p.list("enabled_events") : old.enabled_events,
    status: disabled === null ? old.status : disabled ? "disabled" : "enabled",
    description: p.has("description") ? p.str("description") : old.description,
    metadata: mergeMetadata(old.metadata, p.map("metadata")),
  };
  ctx.store.put("webhook_endpoint", next);
  return publicView(next);
}

export const webhookEndpointRoutes: Route[] = [
  route.post("/webhook_endpoints", (ctx, req) => {
    const p = new Params(req.params, {
      url: "s",
      enabled_events: "list",
      description: "s",
      metadata: "map",
      api_version: "s",
      connect: "s",
      expand: "list",
    });
    const enabled = p.list("enabled_events");
    if (enabled.length === 0) throw invalidParameter("enabled_events", "Missing required param: enabled_events.");
    return createEndpoint(ctx, {
      url: p.requireStr("url"),
      enabledEvents: enabled,
      description: p.str("description"),
      metadata: mergeMetadata({}, p.map("metadata")),
      apiVersion: p.str("api_version"),
    });
  }),
  route.get("/webhook_endpoints/:id", (ctx, req, [id = ""]) => {
    new Params(req.params, { expand: "list" });
    return publicView(getEndpoint(ctx, id));
  }),
  route.post("/webhook_endpoints/:id", (ctx, req, [id = ""]) => update(ctx, req, id)),
  route.del("/webhook_endpoints/:id", (ctx, req, [id = ""]) => {
    new Params(req.params, {});
    getEndpoint(ctx, id);
    ctx.store.delete("webhook_endpoint", id);
    return { id, object: "webhook_endpoint", deleted: true } satisfies Stripe.DeletedWebhookEndpoint;
  }),
  route.get("/webhook_endpoints", (ctx, req) => {
    const p = new Params(req.params, pageSpec);
    const page = listPage(
      ctx.store.ids("webhook_endpoint"),
      (id) => ctx.store.get("webhook_endpoint", id),
      () => true,
      p,
      "/v1/webhook_endpoints",
    );
    return { ...page, data: page.data.map(publicView) };
  }),
];
