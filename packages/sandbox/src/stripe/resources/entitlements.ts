import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, StripeApiError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { type ApiList, listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import type { ProductFeatureLink } from "../store.ts";
import { customerIdOf } from "./invoices.ts";
import { getProduct } from "./products.ts";

/** Stripe's limit on a feature's lookup_key and name. */
const LOOKUP_KEY_MAX = 80;
const NAME_MAX = 80;

/** Statuses whose subscriptions grant their products' features (Stripe's active entitlements). */
const GRANTING: readonly Stripe.Subscription.Status[] = ["active", "trialing"];

export function getFeature(ctx: Ctx, id: string, param = "id"): Stripe.Entitlements.Feature {
  const f = ctx.store.get("feature", id);
  if (!f) throw resourceMissing("entitlements.feature", id, param);
  return f;
}

function checkLength(value: string, max: number, param: string): string {
  if (value.length > max)
    throw invalidParameter(param, `${param} must be at most ${max} characters (got ${value.length}).`);
  return value;
}

function createFeature(ctx: Ctx, req: ApiRequest): Stripe.Entitlements.Feature {
  const p = new Params(req.params, { lookup_key: "s", name: "s", metadata: "map", expand: "list" });
  const lookupKey = checkLength(p.requireStr("lookup_key"), LOOKUP_KEY_MAX, "lookup_key");
  const name = checkLength(p.requireStr("name"), NAME_MAX, "name");
  // Lookup keys are unique across the account's features, archived ones included.
  for (const id of ctx.store.ids("feature"))
    if (ctx.store.get("feature", id)?.lookup_key === lookupKey)
      throw new StripeApiError(
        400,
        "invalid_request_error",
        `A feature with lookup_key '${lookupKey}' already exists: ${id}.`,
        { code: "resource_already_exists", param: "lookup_key" },
      );
  const feature: Stripe.Entitlements.Feature = {
    id: newId("feat_test", 24),
    object: "entitlements.feature",
    active: true,
    livemode: false,
    lookup_key: lookupKey,
    metadata: mergeMetadata({}, p.map("metadata")),
    name,
  };
  return ctx.store.put("feature", feature);
}

function updateFeature(ctx: Ctx, req: ApiRequest, id: string): Stripe.Entitlements.Feature {
  const p = new Params(req.params, { active: "s", name: "s", metadata: "map", expand: "list" });
  const old = getFeature(ctx, id);
  const name = p.str("name");
  const next: Stripe.Entitlements.Feature = {
    ...old,
    active: p.bool("active") ?? old.active,
    name: name === null ? old.name : checkLength(name, NAME_MAX, "name"),
    metadata: mergeMetadata(old.metadata, p.map("metadata")),
  };
  return ctx.store.put("feature", next);
}

function productFeatureOf(ctx: Ctx, link: ProductFeatureLink): Stripe.ProductFeature {
  return {
    id: link.id,
    object: "product_feature",
    entitlement_feature: getFeature(ctx, link.feature, "entitlement_feature"),
    livemode: false,
  };
}

function getLink(ctx: Ctx, product: string, id: string): ProductFeatureLink {
  const link = ctx.store.get("product_feature", id);
  if (!link || link.product !== product) throw resourceMissing("product_feature", id);
  return link;
}

/** Feature ids attached to a product, in the order they were attached. */
export function featureIdsOf(ctx: Ctx, product: string): string[] {
  return ctx.store.ids("product_feature").flatMap((id) => {
    const link = ctx.store.get("product_feature", id);
    return link && link.product === product ? [link.feature] : [];
  });
}

function customersOfProduct(ctx: Ctx, product: string): string[] {
  const out = new Set<string>();
  for (const id of ctx.store.ids("subscription")) {
    const s = ctx.store.get("subscription", id);
    if (!s) continue;
    if (
      s.items.data.some((i) => (typeof i.price.product === "string" ? i.price.product : i.price.product.id) === product)
    )
      out.add(customerIdOf(s));
  }
  return [...out];
}

function attach(ctx: Ctx, req: ApiRequest, product: string): Stripe.ProductFeature {
  const p = new Params(req.params, { entitlement_feature: "s", expand: "list" });
  getProduct(ctx, product);
  const feature = getFeature(ctx, p.requireStr("entitlement_feature"), "entitlement_feature");
  if (!feature.active)
    throw invalidParameter("entitlement_feature", `The feature ${feature.id} is archived and cannot be attached.`);
  if (featureIdsOf(ctx, product).includes(feature.id))
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `The feature ${feature.id} is already attached to product ${product}.`,
      { code: "resource_already_exists", param: "entitlement_feature" },
    );
  const link = ctx.store.put("product_feature", {
    id: newId("prodft", 24),
    product,
    feature: feature.id,
    created: ctx.clock.now(),
  });
  for (const c of customersOfProduct(ctx, product)) refreshEntitlements(ctx, c, req.request);
  return productFeatureOf(ctx, link);
}

function detach(ctx: Ctx, req: ApiRequest, product: string, id: string): Stripe.DeletedProductFeature {
  new Params(req.params, {});
  getProduct(ctx, product);
  getLink(ctx, product, id);
  ctx.store.delete("product_feature", id);
  for (const c of customersOfProduct(ctx, product)) refreshEntitlements(ctx, c, req.request);
  return { id, object: "product_feature", deleted: true };
}

/** The features a customer holds now: those of the products of its active or trialing subscriptions. */
export function activeFeatureIds(ctx: Ctx, customer: string): string[] {
  const out: string[] = [];
  for (const subId of ctx.store.subscriptionIdsOf(customer)) {
    const sub = ctx.store.get("subscription", subId);
    if (!sub || !GRANTING.includes(sub.status)) continue;
    for (const item of sub.items.data) {
      const product = typeof item.price.product === "string" ? item.price.product : item.price.product.id;
      for (const f of featureIdsOf(ctx, product)) if (!out.includes(f)) out.push(f);
    }
  }
  return out;
}

function activeEntitlementsOf(ctx: Ctx, customer: string): Stripe.Entitlements.ActiveEntitlement[] {
  const state = ctx.store.get("entitlement_state", customer);
  return Object.entries(state?.entitlements ?? {}).flatMap(([feature, id]) => {
    const f = ctx.store.get("feature", feature);
    return f
      ? [{ id, object: "entitlements.active_entitlement", feature: f.id, livemode: false, lookup_key: f.lookup_key }]
      : [];
  });
}

/**
 * Recomputes a customer's active entitlements and, when the set changed, emits
 * `entitlements.active_entitlement_summary.updated` with the whole new set (as Stripe does).
 */
export function refreshEntitlements(ctx: Ctx, customer: string, request: RequestInfo | null): void {
  if (!customer) return;
  const now = activeFeatureIds(ctx, customer);
  const old = ctx.store.get("entitlement_state", customer)?.entitlements ?? {};
  const same = now.length === Object.keys(old).length && now.every((f) => f in old);
  if (same) return;
  const entitlements: Record<string, string> = {};
  for (const f of now) entitlements[f] = old[f] ?? newId("ent_test", 24);
  const previous = activeEntitlementsOf(ctx, customer);
  ctx.store.put("entitlement_state", { id: customer, entitlements });
  const list = (data: Stripe.Entitlements.ActiveEntitlement[]): ApiList<Stripe.Entitlements.ActiveEntitlement> => ({
    object: "list",
    data,
    has_more: false,
    url: "/v1/entitlements/active_entitlements",
  });
  const summary: Stripe.Entitlements.ActiveEntitlementSummary = {
    object: "entitlements.active_entitlement_summary",
    customer,
    entitlements: list(activeEntitlementsOf(ctx, customer)),
    livemode: false,
  };
  ctx.events.emit("entitlements.active_entitlement_summary.updated", summary, request, {
    entitlements: list(previous),
  });
}

export const entitlementRoutes: Route[] = [
  route.post("/entitlements/features", (ctx, req) => createFeature(ctx, req)),
  route.get("/entitlements/features/:id", (ctx, req, [id = ""]) => {
    new Params(req.params, { expand: "list" });
    return getFeature(ctx, id);
  }),
  route.post("/entitlements/features/:id", (ctx, req, [id = ""]) => updateFeature(ctx, req, id)),
  route.get("/entitlements/features", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, archived: "s", lookup_key: "s" });
    const archived = p.bool("archived") ?? false;
    const lookupKey = p.str("lookup_key");
    return listPage(
      ctx.store.ids("feature"),
      (id) => ctx.store.get("feature", id),
      (f) => f.active !== archived && (lookupKey === null || f.lookup_key === lookupKey),
      p,
      "/v1/entitlements/features",
    );
  }),
  route.post("/products/:id/features", (ctx, req, [product = ""]) => attach(ctx, req, product)),
  route.get("/products/:id/features", (ctx, req, [product = ""]) => {
    const p = new Params(req.params, pageSpec);
    getProduct(ctx, product);
    return expand(
      ctx.store,
      listPage(
        ctx.store.ids("product_feature"),
        (id) => {
          const link = ctx.store.get("product_feature", id);
          return link && link.product === product ? productFeatureOf(ctx, link) : undefined;
        },
        () => true,
        p,
        `/v1/products/${product}/features`,
      ),
      p.list("expand"),
    );
  }),
  route.get("/products/:id/features/:feature", (ctx, req, [product = "", id = ""]) => {
    new Params(req.params, { expand: "list" });
    getProduct(ctx, product);
    return productFeatureOf(ctx, getLink(ctx, product, id));
  }),
  route.del("/products/:id/features/:feature", (ctx, req, [product = "", id = ""]) => detach(ctx, req, product, id)),
  route.get("/entitlements/active_entitlements", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, customer: "s" });
    const customer = p.requireStr("customer");
    if (!ctx.store.get("customer", customer)) throw resourceMissing("customer", customer, "customer");
    const all = activeEntitlementsOf(ctx, customer);
    const byId = new Map(all.map((e) => [e.id, e]));
    // Listed newest first like every Stripe list: the ids go in oldest first.
    return expand(
      ctx.store,
      listPage(
        all.map((e) => e.id),
        (id) => byId.get(id),
        () => true,
        p,
        "/v1/entitlements/active_entitlements",
      ),
      p.list("expand"),
    );
  }),
  route.get("/entitlements/active_entitlements/:id", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    for (const cid of ctx.store.ids("entitlement_state"))
      for (const e of activeEntitlementsOf(ctx, cid)) if (e.id === id) return expand(ctx.store, e, p.list("expand"));
    throw resourceMissing("entitlements.active_entitlement", id);
  }),
];
