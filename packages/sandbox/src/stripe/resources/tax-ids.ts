// A customer's tax IDs (`/v1/customers/:id/tax_ids`), as Stripe keeps them: created with a type and
// a value checked against the type's format (400 `tax_id_invalid` otherwise), at most 25 per
// customer, `customer.tax_id.created` / `customer.tax_id.deleted`. The sandbox models the types a
// European or North American seller's buyers use (EU, UK and Swiss VAT, US EIN, Canadian BN) and does
// not verify them with the tax authorities: `verification.status` is `unavailable`.
import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, StripeApiError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { Params, pageSpec } from "../params.ts";
import { getCustomer } from "./customers.ts";

/** Stripe's limit of tax IDs per customer. */
export const MAX_TAX_IDS = 25;

/** EU VAT prefixes (Greece is EL, Northern Ireland XI) and the country each stands for. */
const EU_PREFIXES: Record<string, string> = {
  AT: "AT",
  BE: "BE",
  BG: "BG",
  CY: "CY",
  CZ: "CZ",
  DE: "DE",
  DK: "DK",
  EE: "EE",
  EL: "GR",
  ES: "ES",
  FI: "FI",
  FR: "FR",
  HR: "HR",
  HU: "HU",
  IE: "IE",
  IT: "IT",
  LT: "LT",
  LU: "LU",
  LV: "LV",
  MT: "MT",
  NL: "NL",
  PL: "PL",
  PT: "PT",
  RO: "RO",
  SE: "SE",
  SI: "SI",
  SK: "SK",
  XI: "GB",
};

/** The types the sandbox models: each value's format and the country it names. */
export const TAX_ID_TYPES = {
  eu_vat: { pattern: /^([A-Z]{2})[0-9A-Z]{8,12}$/, country: (v: string) => EU_PREFIXES[v.slice(0, 2)] ?? null },
  gb_vat: { pattern: /^GB(\d{9}|\d{12})$/, country: () => "GB" },
  ch_vat: { pattern: /^CHE-?\d{3}\.?\d{3}\.?\d{3} ?(MWST|TVA|IVA)$/, country: () => "CH" },
  us_ein: { pattern: /^\d{2}-?\d{7}$/, country: () => "US" },
  ca_bn: { pattern: /^\d{9}$/, country: () => "CA" },
} as const;
export type ModelledTaxIdType = keyof typeof TAX_ID_TYPES;
export const modelledTaxIdTypes = Object.keys(TAX_ID_TYPES) as ModelledTaxIdType[];

function isModelled(type: string): type is ModelledTaxIdType {
  return type in TAX_ID_TYPES;
}

/** The value as Stripe stores it: upper case, without the spaces people type. */
function normalize(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, "");
}

/**
 * The tax ID a buyer typed on the hosted checkout, as Checkout saves it: normalized, its type
 * inferred from its format (a sandbox simplification: Stripe's form has the buyer pick the type),
 * or null when it fits none of the modelled types.
 */
export function checkoutTaxIdOf(raw: string): { type: ModelledTaxIdType; value: string } | null {
  const value = normalize(raw);
  // Nine digits read as a US EIN (a Canadian BN has the same form: added through the API only).
  const order: ModelledTaxIdType[] = ["gb_vat", "eu_vat", "us_ein", "ch_vat"];
  for (const type of order) {
    const v = type === "ch_vat" ? raw.trim().toUpperCase() : value;
    const spec = TAX_ID_TYPES[type];
    if (spec.pattern.test(v) && spec.country(v)) return { type, value: v };
  }
  return null;
}

/** The customer's tax IDs, oldest first. */
export function taxIdsOf(ctx: Ctx, customerId: string): Stripe.TaxId[] {
  return ctx.store.ids("tax_id").flatMap((id) => {
    const t = ctx.store.get("tax_id", id);
    return t && t.customer === customerId ? [t] : [];
  });
}

/** Adds a tax ID to a customer; 400 when the type is not modelled or the value does not fit it. */
export function createTaxId(
  ctx: Ctx,
  request: RequestInfo | null,
  customerId: string,
  type: string,
  rawValue: string,
): Stripe.TaxId {
  const customer = getCustomer(ctx, customerId, "customer");
  if (!isModelled(type))
    throw invalidParameter(
      "type",
      `Invalid type: ${type}. The sandbox models the tax ID types ${modelledTaxIdTypes.join(", ")}.`,
    );
  const value = type === "ch_vat" ? rawValue.trim().toUpperCase() : normalize(rawValue);
  const spec = TAX_ID_TYPES[type];
  const country = spec.pattern.test(value) ? spec.country(value) : null;
  if (!country)
    throw new StripeApiError(400, "invalid_request_error", `Invalid value for ${type}.`, {
      code: "tax_id_invalid",
      param: "value",
    });
  if (taxIdsOf(ctx, customer.id).length >= MAX_TAX_IDS)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `A customer can have at most ${MAX_TAX_IDS} tax IDs: delete one before adding another.`,
      { code: "tax_id_limit_exceeded" },
    );
  const taxId: Stripe.TaxId = {
    id: newId("txi"),
    object: "tax_id",
    country,
    created: ctx.clock.now(),
    customer: customer.id,
    customer_account: null,
    livemode: false,
    owner: { customer: customer.id, customer_account: null, type: "customer" },
    type,
    value,
    verification: { status: "unavailable", verified_address: null, verified_name: null },
  };
  ctx.store.put("tax_id", taxId);
  ctx.events.emit("customer.tax_id.created", taxId, request);
  return taxId;
}

function getTaxId(ctx: Ctx, customerId: string, id: string): Stripe.TaxId {
  const t = ctx.store.get("tax_id", id);
  if (!t || t.customer !== customerId) throw resourceMissing("tax_id", id);
  return t;
}

/** Removes one of the customer's tax IDs (`customer.tax_id.deleted` carries it as it was). */
export function deleteTaxId(
  ctx: Ctx,
  request: RequestInfo | null,
  customerId: string,
  id: string,
): Stripe.DeletedTaxId {
  const taxId = getTaxId(ctx, customerId, id);
  ctx.store.delete("tax_id", id);
  ctx.events.emit("customer.tax_id.deleted", taxId, request);
  return { id, object: "tax_id", deleted: true };
}

function create(ctx: Ctx, req: ApiRequest, customerId: string): Stripe.TaxId {
  const p = new Params(req.params, { type: "s", value: "s", expand: "list" });
  getCustomer(ctx, customerId);
  const taxId = createTaxId(ctx, req.request, customerId, p.requireStr("type"), p.requireStr("value"));
  return expand(ctx.store, taxId, p.list("expand"));
}

export const taxIdRoutes: Route[] = [
  route.post("/customers/:customer/tax_ids", (ctx, req, [customer = ""]) => create(ctx, req, customer)),
  route.get("/customers/:customer/tax_ids", (ctx, req, [customer = ""]) => {
    const p = new Params(req.params, pageSpec);
    getCustomer(ctx, customer);
    return listPage(
      ctx.store.ids("tax_id"),
      (id) => ctx.store.get("tax_id", id),
      (t) => t.customer === customer,
      p,
      `/v1/customers/${customer}/tax_ids`,
    );
  }),
  route.get("/customers/:customer/tax_ids/:id", (ctx, req, [customer = "", id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    getCustomer(ctx, customer);
    return expand(ctx.store, getTaxId(ctx, customer, id), p.list("expand"));
  }),
  route.del("/customers/:customer/tax_ids/:id", (ctx, req, [customer = "", id = ""]) => {
    new Params(req.params, {});
    getCustomer(ctx, customer);
    return deleteTaxId(ctx, req.request, customer, id);
  }),
];
