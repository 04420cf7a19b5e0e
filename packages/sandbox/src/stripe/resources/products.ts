import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { resourceMissing, StripeApiError } from "../errors.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";

const productFields = {
  name: "s",
  active: "s",
  description: "s",
  metadata: "map",
  images: "list",
  url: "s",
  unit_label: "s",
  statement_descriptor: "s",
  expand: "list",
} as const;

export function getProduct(ctx: Ctx, id: string, param = "id"): Stripe.Product {
  const p = ctx.store.get("product", id);
  if (!p) throw resourceMissing("product", id, param);
  return p;
}

function create(ctx: Ctx, req: ApiRequest): Stripe.Product {
  const p = new Params(req.params, { ...productFields, id: "s" });
  const now = ctx.clock.now();
  const id = p.str("id") ?? newId("prod", 14);
  if (ctx.store.get("product", id)) {
    throw new StripeApiError(400, "invalid_request_error", "Product already exists.", {
      code: "resource_already_exists",
      param: "id",
    });
  }
  const product: Stripe.Product = {
    id,
    object: "product",
    active: p.bool("active") ?? true,
    created: now,
    default_price: null,
    description: p.str("description"),
    images: p.list("images"),
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, p.map("metadata")),
    name: p.requireStr("name"),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: p.str("statement_descriptor"),
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: p.str("unit_label"),
    updated: now,
    url: p.str("url"),
  };
  ctx.store.put("product", product);
  ctx.events.emit("product.created", product, req.request);
  return expand(ctx.store, product, p.list("expand"));
}

function update(ctx: Ctx, req: ApiRequest, id: string): Stripe.Product {
  const p = new Params(req.params, { ...productFields, default_price: "s" });
  const old = getProduct(ctx, id);
  const next: Stripe.Product = {
    ...old,
    active: p.bool("active") ?? old.active,
    description: p.has("description") ? p.str("description") : old.description,
    images: p.has("images") ? p.list("images") : old.images,
    metadata: mergeMetadata(old.metadata, p.map("metadata")),
    name: p.str("name") ?? old.name,
    url: p.has("url") ? p.str("url") : old.url,
    unit_label: p.has("unit_label") ? p.str("unit_label") : (old.unit_label ?? null),
    default_price: p.has("default_price") ? p.str("default_price") : (old.default_price ?? null),
  };
  const prev = previousAttributes(old, next);
  if (Object.keys(prev).length > 0) {
    next.updated = ctx.clock.now();
    ctx.store.put("product", next);
    ctx.events.emit("product.updated", next, req.request, prev);
  }
  return expand(ctx.store, ctx.store.get("product", id) ?? next, p.list("expand"));
}

export const productRoutes: Route[] = [
  route.post("/products", (ctx, req) => create(ctx, req)),
  route.get("/products/:id", (ctx, req, [id = ""]) =>
    expand(ctx.store, getProduct(ctx, id), new Params(req.params, { expand: "list" }).list("expand")),
  ),
  route.post("/products/:id", (ctx, req, [id = ""]) => update(ctx, req, id)),
  route.get("/products", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, active: "s", ids: "list" });
    const active = p.bool("active");
    const ids = p.list("ids");
    const page = listPage(
      ctx.store.ids("product"),
      (id) => ctx.store.get("product", id),
      (x) => (active === null || x.active === active) && (ids.length === 0 || ids.includes(x.id)),
      p,
      "/v1/products",
    );
    return expand(ctx.store, page, p.list("expand"));
  }),
];
