import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { resourceMissing } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { previousAttributes } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { type ApiList, listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import { endSubscription } from "./subscriptions.ts";
import { taxIdsOf } from "./tax-ids.ts";

const fields = {
  email: "s",
  name: "s",
  description: "s",
  phone: "s",
  metadata: "map",
  preferred_locales: "list",
  expand: "list",
} as const;

export function getCustomer(ctx: Ctx, id: string, param = "id"): Stripe.Customer {
  const c = ctx.store.get("customer", id);
  if (!c) throw resourceMissing("customer", id, param);
  return c;
}

export function newCustomer(
  ctx: Ctx,
  request: RequestInfo | null,
  init: {
    email: string | null;
    name?: string | null;
    description?: string | null;
    phone?: string | null;
    metadata?: Record<string, string>;
    preferredLocales?: string[];
  },
): Stripe.Customer {
  const customer: Stripe.Customer = {
    id: newId("cus", 14),
    object: "customer",
    address: null,
    balance: 0,
    created: ctx.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: init.description ?? null,
    discount: null,
    email: init.email,
    invoice_prefix: newId("x", 8).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: init.metadata ?? {},
    name: init.name ?? null,
    next_invoice_sequence: 1,
    phone: init.phone ?? null,
    preferred_locales: init.preferredLocales ?? [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
  ctx.store.put("customer", customer);
  ctx.events.emit("customer.created", customer, request);
  return customer;
}

/** A customer's `tax_ids` as Stripe includes them: newest first, the first 10. */
function includedTaxIds(ctx: Ctx, customerId: string): ApiList<Stripe.TaxId> {
  const all = taxIdsOf(ctx, customerId).reverse();
  return {
    object: "list",
    data: all.slice(0, 10),
    has_more: all.length > 10,
    url: `/v1/customers/${customerId}/tax_ids`,
  };
}

/** `expand[]=tax_ids`: a field Stripe includes only when asked; the other paths expand as usual. */
function expandCustomer(ctx: Ctx, customer: Stripe.Customer, paths: string[]): Stripe.Customer {
  const rest = paths.filter((x) => x !== "tax_ids");
  const value = rest.length === paths.length ? customer : { ...customer, tax_ids: includedTaxIds(ctx, customer.id) };
  return expand(ctx.store, value, rest);
}

/** The list's `expand[]=data.tax_ids`. */
function expandCustomers(ctx: Ctx, page: ApiList<Stripe.Customer>, paths: string[]): ApiList<Stripe.Customer> {
  const rest = paths.filter((x) => x !== "data.tax_ids");
  const value =
    rest.length === paths.length
      ? page
      : { ...page, data: page.data.map((c) => ({ ...c, tax_ids: includedTaxIds(ctx, c.id) })) };
  return expand(ctx.store, value, rest);
}

/** Replaces a customer and emits `customer.updated` with what changed. */
export function saveCustomer(ctx: Ctx, request: RequestInfo | null, old: Stripe.Customer, next: Stripe.Customer) {
  const prev = previousAttributes(old, next);
  if (Object.keys(prev).length === 0) return old;
  ctx.store.put("customer", next);
  ctx.events.emit("customer.updated", next, request, prev);
  return next;
}

function update(ctx: Ctx, req: ApiRequest, id: string): Stripe.Customer {
  const p = new Params(req.params, fields);
  const old = getCustomer(ctx, id);
  const next: Stripe.Customer = {
    ...old,
    email: p.has("email") ? p.str("email") : old.email,
    name: p.has("name") ? p.str("name") : (old.name ?? null),
    description: p.has("description") ? p.str("description") : old.description,
    phone: p.has("phone") ? p.str("phone") : (old.phone ?? null),
    metadata: mergeMetadata(old.metadata, p.map("metadata")),
    preferred_locales: p.has("preferred_locales") ? p.list("preferred_locales") : (old.preferred_locales ?? []),
  };
  return expandCustomer(ctx, saveCustomer(ctx, req.request, old, next), p.list("expand"));
}

/**
 * `DELETE /v1/customers/:id`, as Stripe does it: the customer's subscriptions end at once
 * (`customer.subscription.deleted`), then the customer goes (`customer.deleted`); every later call
 * naming it is a `resource_missing`, but retrieving it answers `{id, object, deleted: true}`.
 */
function deleteCustomer(ctx: Ctx, req: ApiRequest, id: string): Stripe.DeletedCustomer {
  const customer = getCustomer(ctx, id);
  for (const subId of ctx.store.subscriptionIdsOf(id)) {
    const sub = ctx.store.get("subscription", subId);
    if (sub && sub.status !== "canceled" && sub.status !== "incomplete_expired")
      endSubscription(ctx, req.request, sub, "cancellation_requested");
  }
  ctx.store.delete("customer", id);
  const deleted: Stripe.DeletedCustomer = { id, object: "customer", deleted: true };
  ctx.store.put("deleted_customer", deleted);
  ctx.events.emit("customer.deleted", customer, req.request);
  return deleted;
}

export const customerRoutes: Route[] = [
  route.post("/customers", (ctx, req) => {
    const p = new Params(req.params, fields);
    const c = newCustomer(ctx, req.request, {
      email: p.str("email"),
      name: p.str("name"),
      description: p.str("description"),
      phone: p.str("phone"),
      metadata: mergeMetadata({}, p.map("metadata")),
      preferredLocales: p.list("preferred_locales"),
    });
    return expandCustomer(ctx, c, p.list("expand"));
  }),
  route.get("/customers/:id", (ctx, req, [id = ""]) => {
    // As Stripe: a deleted customer is still retrievable, as `{id, object, deleted: true}`.
    const deleted = ctx.store.get("deleted_customer", id);
    if (deleted) return deleted;
    return expandCustomer(ctx, getCustomer(ctx, id), new Params(req.params, { expand: "list" }).list("expand"));
  }),
  route.del("/customers/:id", (ctx, req, [id = ""]) => deleteCustomer(ctx, req, id)),
  route.post("/customers/:id", (ctx, req, [id = ""]) => update(ctx, req, id)),
  route.get("/customers", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, email: "s" });
    const email = p.str("email");
    const ids = email === null ? ctx.store.ids("customer") : ctx.store.customerIdsByEmail(email);
    const page = listPage(
      ids,
      (id) => ctx.store.get("customer", id),
      () => true,
      p,
      "/v1/customers",
    );
    return expandCustomers(ctx, page, p.list("expand"));
  }),
];
