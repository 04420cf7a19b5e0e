import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, missingParameter, resourceMissing, stateError } from "../errors.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import type { Param } from "../form-decode.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import type { PriceOptions } from "../store.ts";
import { getProduct } from "./products.ts";

const intervals = ["day", "week", "month", "year"] as const;

/** ISO 4217 codes (Stripe's list is a subset; an unknown code is refused by name). */
const knownCurrencies = new Set(Intl.supportedValuesOf("currency").map((c) => c.toLowerCase()));

/** A lowercase ISO currency code, or a 400 naming the parameter and the value. */
export function checkCurrency(raw: string, param: string): string {
  const currency = raw.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency) || !knownCurrencies.has(currency))
    throw invalidParameter(
      param,
      `Invalid currency: ${raw}. Stripe currently supports these currencies: eur, usd, gbp, …`,
    );
  return currency;
}

const taxBehaviors = ["inclusive", "exclusive", "unspecified"] as const;

function taxBehaviorParam(raw: string | null, param: string): (typeof taxBehaviors)[number] | null {
  if (raw === null) return null;
  const b = taxBehaviors.find((x) => x === raw);
  if (!b) throw invalidParameter(param, `Invalid tax_behavior: must be one of inclusive, exclusive, or unspecified`);
  return b;
}

/** `currency_options[usd][unit_amount|tax_behavior]`, validated by hand (the keys are currencies). */
function parseCurrencyOptions(raw: Param | undefined, base: string): PriceOptions["options"] {
  if (raw === undefined || raw === "") return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw invalidParameter("currency_options", "Invalid object for currency_options.");
  const out: PriceOptions["options"] = {};
  for (const [key, value] of Object.entries(raw)) {
    const param = `currency_options[${key}]`;
    const currency = checkCurrency(key, param);
    if (currency === base)
      throw invalidParameter(param, `currency_options cannot include the price's own currency (${base}).`);
    if (typeof value !== "object" || Array.isArray(value))
      throw invalidParameter(param, `Invalid object for ${param}.`);
    const p = new Params(value, { unit_amount: "s", tax_behavior: "s" }, param);
    const unitAmount = p.int("unit_amount");
    if (unitAmount === null) throw missingParameter(`${param}[unit_amount]`);
    if (unitAmount < 0)
      throw invalidParameter(`${param}[unit_amount]`, "This value must be greater than or equal to 0.");
    out[currency] = {
      unit_amount: unitAmount,
      tax_behavior: taxBehaviorParam(p.str("tax_behavior"), `${param}[tax_behavior]`) ?? "unspecified",
    };
  }
  return out;
}

/** The price's amount in `currency` (its own or one of its currency_options), or null when it has none. */
export function priceIn(
  ctx: Ctx,
  price: Stripe.Price,
  currency: string,
): { unitAmount: number; taxBehavior: string | null } | null {
  if (currency === price.currency) return { unitAmount: price.unit_amount ?? 0, taxBehavior: price.tax_behavior };
  const option = ctx.store.get("price_options", price.id)?.options[currency];
  if (!option) return null;
  return {
    unitAmount: option.unit_amount,
    taxBehavior: option.tax_behavior === "unspecified" ? price.tax_behavior : option.tax_behavior,
  };
}

/**
 * The price's amount in a subscription's currency, or a 400 on `param` naming the price and the
 * currency (Stripe refuses a price that has neither that currency nor a currency option for it).
 */
export function requirePriceIn(
  ctx: Ctx,
  price: Stripe.Price,
  currency: string,
  param: string,
): { unitAmount: number; taxBehavior: string | null } {
  const amount = priceIn(ctx, price, currency);
  if (amount) return amount;
  const offered = [price.currency, ...Object.keys(ctx.store.get("price_options", price.id)?.options ?? {})];
  throw invalidParameter(
    param,
    `The price ${price.id} supports the currencies ${offered.join(", ")}, which do not include the subscription's currency ${currency}.`,
  );
}

/** The price with `currency_options` filled in (what `expand[]=currency_options` returns). */
function withCurrencyOptions(ctx: Ctx, price: Stripe.Price): Stripe.Price {
  const options = ctx.store.get("price_options", price.id)?.options ?? {};
  const all: Record<string, Stripe.Price.CurrencyOptions> = {
    [price.currency]: {
      custom_unit_amount: null,
      tax_behavior: price.tax_behavior,
      unit_amount: price.unit_amount,
      unit_amount_decimal: null,
    },
  };
  for (const [currency, o] of Object.entries(options))
    all[currency] = {
      custom_unit_amount: null,
      tax_behavior: o.tax_behavior,
      unit_amount: o.unit_amount,
      unit_amount_decimal: null,
    };
  return { ...price, currency_options: all };
}

/** Applies `expand[]`, `currency_options` (or `data.currency_options` in a list) included. */
function expandPrice<T extends Stripe.Price | { data: Stripe.Price[] }>(
  ctx: Ctx,
  value: T,
  paths: string[],
  inList: boolean,
): T {
  const key = inList ? "data.currency_options" : "currency_options";
  const rest = paths.filter((x) => x !== key);
  let out = value;
  if (rest.length !== paths.length) {
    if ("data" in out) out = { ...out, data: out.data.map((x) => withCurrencyOptions(ctx, x)) };
    else out = withCurrencyOptions(ctx, out) as T;
  }
  return expand(ctx.store, out, rest);
}

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
  const { currency_options: rawOptions, ...params } = req.params;
  const p = new Params(params, {
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
  const currency = checkCurrency(p.requireStr("currency"), "currency");
  const currencyOptions = parseCurrencyOptions(rawOptions, currency);
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
  const taxBehavior = taxBehaviorParam(p.str("tax_behavior"), "tax_behavior");
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
    tax_behavior: taxBehavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: null,
  };
  ctx.store.put("price", price);
  if (Object.keys(currencyOptions).length > 0) ctx.store.put("price_options", { id, options: currencyOptions });
  ctx.events.emit("price.created", price, req.request);
  return expandPrice(ctx, price, p.list("expand"), false);
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
    tax_behavior: updatedTaxBehavior(p, old),
  };
  const prev = previousAttributes(old, next);
  if (Object.keys(prev).length > 0) {
    ctx.store.put("price", next);
    ctx.events.emit("price.updated", next, req.request, prev);
  }
  return expandPrice(ctx, next, p.list("expand"), false);
}

/** Stripe lets a price's tax behaviour be set once: from `unspecified` to inclusive or exclusive. */
function updatedTaxBehavior(p: Params, old: Stripe.Price): Stripe.Price["tax_behavior"] {
  const next = taxBehaviorParam(p.str("tax_behavior"), "tax_behavior");
  if (next === null || next === old.tax_behavior) return old.tax_behavior;
  if (old.tax_behavior !== "unspecified")
    throw invalidParameter("tax_behavior", "tax_behavior cannot be changed once it is set to inclusive or exclusive.");
  return next;
}

export const priceRoutes: Route[] = [
  route.post("/prices", (ctx, req) => create(ctx, req)),
  route.get("/prices/:id", (ctx, req, [id = ""]) =>
    expandPrice(ctx, getPrice(ctx, id), new Params(req.params, { expand: "list" }).list("expand"), false),
  ),
  route.post("/prices/:id", (ctx, req, [id = ""]) => update(ctx, req, id)),
  route.get("/prices", (ctx, req) => {
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
    return expandPrice(ctx, page, p.list("expand"), true);
  }),
];
