import type Stripe from "stripe";
import type { ApiRequest, Ctx, Route } from "../context.ts";
import { invalidParameter, missingParameter, resourceMissing, stateError } from "../errors.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import { getProduct } from "./products.ts";

const intervals = ["day", "week", "month", "year"] as const;

export function getPrice(ctx: Ctx, id: string, param = "id"): Stripe.Price {
  const p = ctx.store.get("price", id);
  if (!p) throw resourceMissing("price", id, param);
  return p;
}

export function productIdOf(price: Stripe.Price): string {
  return typeof price.product === "string" ? price.product : price.product.id;
}

/** Seconds in `count` intervals from `from` (calendar months/years, like Stripe's billing anchors). */
export function addInterval(from: number, interval: string, count: number): number {
  const d = new Date(from * 1000);
  if (interval === "day") d.setUTCDate(d.getUTCDate() + count);
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7 * count);
  else if (interval === "month") d.setUTCMonth(d.getUTCMonth() + count);
  else if (interval === "year") d.setUTCFullYear(d.getUTCFullYear() + count);
  else d.setUTCMonth(d.getUTCMonth() + count);
  return Math.floor(d.getTime() / 1000);
}

/** Moves a lookup key to `priceId` (transfer_lookup_key), or refuses when another price holds it. */
function claimLookupKey(ctx: Ctx, req: ApiRequest, key: string, priceId: string, transfer: boolean): void {
  for (const id of ctx.store.ids("price")) {
    const other = ctx.store.get("price", id);
    if (!other || other.id === priceId || other.lookup_key !== key) continue;
    if (!transfer)
      throw stateError(
        `A price (\`${other.id}\`) already uses that lookup key. Set \`transfer_lookup_key\` to move it.`,
        "lookup_key",
      );
    const moved: Stripe.Price = { ...other, lookup_key: null };
    ctx.store.put("price", moved);
    ctx.events.emit("price.updated", moved, req.request, { lookup_key: key });
  }
}

function create(ctx: Ctx, req: ApiRequest): Stripe.Price {
  const p = new Params(req.params, {
    currency: "s",
    unit_amount: "s",
    product: "s",
    product_data: { name: "s", metadata: "map", active: "s" },
    recurring: { interval: "s", interval_count: "s", trial_period_days: "s", usage_type: "s" },
    lookup_key: "s",
    transfer_lookup_key: "s",
    nickname: "s",
    active: "s",
    metadata: "map",
    tax_behavior: "s",
    expand: "list",
  });
  const currency = p.requireStr("currency").toLowerCase();
  const unitAmount = p.int("unit_amount");
  if (unitAmount === null) throw missingParameter("unit_amount");
  const id = newId("price");
  let productId = p.str("product");
  const productData = p.obj("product_data");
  if (!productId && productData) {
    const now = ctx.clock.now();
    const product: Stripe.Product = {
      id: newId("prod", 14),
      object: "product",
      active: productData.bool("active") ?? true,
      created: now,
      default_price: null,
      description: null,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: mergeMetadata({}, productData.map("metadata")),
      name: productData.requireStr("name"),
      package_dimensions: null,
      shippable: null,
      tax_code: null,
      tax_details: null,
      type: "service",
      updated: now,
      url: null,
    };
    ctx.store.put("product", product);
    ctx.events.emit("product.created", product, req.request);
    productId = product.id;
  }
  if (!productId) throw missingParameter("product");
  getProduct(ctx, productId, "product");
  const r = p.obj("recurring");
  let recurring: Stripe.Price.Recurring | null = null;
  if (r) {
    const interval = intervals.find((i) => i === r.str("interval"));
    if (!interval)
      throw invalidParameter(
        "recurring[interval]",
        "Invalid recurring[interval]: must be one of day, week, month, or year",
      );
    recurring = {
      interval,
      interval_count: r.int("interval_count") ?? 1,
      meter: null,
      trial_period_days: r.int("trial_period_days"),
      usage_type: "licensed",
    };
  }
  const lookupKey = p.str("lookup_key");
  if (lookupKey) claimLookupKey(ctx, req, lookupKey, id, p.bool("transfer_lookup_key") ?? false);
  const taxBehavior = p.str("tax_behavior");
  const price: Stripe.Price = {
    id,
    object: "price",
    active: p.bool("active") ?? true,
    billing_scheme: "per_unit",
    created: ctx.clock.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: mergeMetadata({}, p.map("metadata")),
    nickname: p.str("nickname"),
    product: productId,
    recurring,
    tax_behavior: taxBehavior === "inclusive" || taxBehavior === "exclusive" ? taxBehavior : "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: null,
  };
  ctx.store.put("price", price);
  ctx.events.emit("price.created", price, req.request);
  return expand(ctx.store, price, p.list("expand"));
}

function update(ctx: Ctx, req: ApiRequest, id: string): Stripe.Price {
  const p = new Params(req.params, {
    active: "s",
    nickname: "s",
    metadata: "map",
    lookup_key: "s",
    transfer_lookup_key: "s",
    tax_behavior: "s",
    expand: "list",
  });
  const old = getPrice(ctx, id);
  const lookupKey = p.has("lookup_key") ? p.str("lookup_key") : old.lookup_key;
  if (lookupKey && lookupKey !== old.lookup_key)
    claimLookupKey(ctx, req, lookupKey, id, p.bool("transfer_lookup_key") ?? false);
  const next: Stripe.Price = {
    ...old,
    active: p.bool("active") ?? old.active,
    nickname: p.has("nickname") ? p.str("nickname") : old.nickname,
    metadata: mergeMetadata(old.metadata, p.map("metadata")),
    lookup_key: lookupKey,
  };
  const prev = previousAttributes(old, next);
  if (Object.keys(prev).length > 0) {
    ctx.store.put("price", next);
    ctx.events.emit("price.updated", next, req.request, prev);
  }
  return expand(ctx.store, next, p.list("expand"));
}

export const priceRoutes: Route[] = [
  { method: "POST", pattern: /^\/v1\/prices$/, handle: (ctx, req) => create(ctx, req) },
  {
    method: "GET",
    pattern: /^\/v1\/prices\/([^/]+)$/,
    handle: (ctx, req, [id = ""]) =>
      expand(ctx.store, getPrice(ctx, id), new Params(req.params, { expand: "list" }).list("expand")),
  },
  { method: "POST", pattern: /^\/v1\/prices\/([^/]+)$/, handle: (ctx, req, [id = ""]) => update(ctx, req, id) },
  {
    method: "GET",
    pattern: /^\/v1\/prices$/,
    handle: (ctx, req) => {
      const p = new Params(req.params, {
        ...pageSpec,
        active: "s",
        product: "s",
        type: "s",
        currency: "s",
        lookup_keys: "list",
        recurring: { interval: "s", usage_type: "s" },
      });
      const active = p.bool("active");
      const product = p.str("product");
      const type = p.str("type");
      const currency = p.str("currency");
      const keys = p.list("lookup_keys");
      const interval = p.obj("recurring")?.str("interval") ?? null;
      const page = listPage(
        ctx.store.ids("price"),
        (id) => ctx.store.get("price", id),
        (x) =>
          (active === null || x.active === active) &&
          (product === null || productIdOf(x) === product) &&
          (type === null || x.type === type) &&
          (currency === null || x.currency === currency) &&
          (keys.length === 0 || (x.lookup_key !== null && keys.includes(x.lookup_key))) &&
          (interval === null || x.recurring?.interval === interval),
        p,
        "/v1/prices",
      );
      return expand(ctx.store, page, p.list("expand"));
    },
  },
];
