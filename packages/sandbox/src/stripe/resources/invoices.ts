import type Stripe from "stripe";
import type { Ctx, Route } from "../context.ts";
import { resourceMissing } from "../errors.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { Params, pageSpec } from "../params.ts";

export interface InvoiceInit {
  subscription: Stripe.Subscription;
  reason: Stripe.Invoice.BillingReason;
  periodStart: number;
  periodEnd: number;
  /** A trial invoice charges nothing. */
  trial: boolean;
}

export function customerIdOf(x: { customer: string | { id: string } | null }): string {
  if (x.customer === null) return "";
  return typeof x.customer === "string" ? x.customer : x.customer.id;
}

/** A draft→open invoice for one subscription period, one line per subscription item. */
export function newInvoice(ctx: Ctx, init: InvoiceInit): Stripe.Invoice {
  const now = ctx.clock.now();
  const sub = init.subscription;
  const id = newId("in");
  const customer = ctx.store.get("customer", customerIdOf(sub));
  const currency = sub.currency;
  const trial = init.trial;
  const lines: Stripe.InvoiceLineItem[] = sub.items.data.map((item) => {
    const amount = trial ? 0 : (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
    const product = typeof item.price.product === "string" ? item.price.product : item.price.product.id;
    return {
      id: newId("il"),
      object: "line_item",
      amount,
      currency,
      description: `${item.quantity ?? 1} × ${ctx.store.get("product", product)?.name ?? product}${trial ? " (trial)" : ""}`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: sub.id,
          subscription_item: item.id,
        },
      },
      period: { start: init.periodStart, end: init.periodEnd },
      pretax_credit_amounts: [],
      pricing: {
        type: "price_details",
        price_details: { price: item.price.id, product },
        unit_amount_decimal: null,
      },
      quantity: item.quantity ?? 1,
      quantity_decimal: null,
      subscription: sub.id,
      subtotal: amount,
      taxes: [],
    };
  });
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const invoice: Stripe.Invoice = {
    id,
    object: "invoice",
    account_country: "FR",
    account_name: "Gatehouse (sandbox)",
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: init.reason,
    collection_method: "charge_automatically",
    created: now,
    currency,
    custom_fields: null,
    customer: customerIdOf(sub),
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${customer?.invoice_prefix ?? "SANDBOX"}-${String(customer?.next_invoice_sequence ?? 1).padStart(4, "0")}`,
    on_behalf_of: null,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: sub.metadata, subscription: sub.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: init.periodEnd,
    period_start: init.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "open",
    status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  if (customer) {
    ctx.store.put("customer", { ...customer, next_invoice_sequence: (customer.next_invoice_sequence ?? 1) + 1 });
  }
  ctx.store.put("invoice", invoice);
  return invoice;
}

export function markPaid(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  const now = ctx.clock.now();
  const paid: Stripe.Invoice = {
    ...invoice,
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt: null,
    status: "paid",
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  };
  ctx.store.put("invoice", paid);
  return paid;
}

export function markFailed(ctx: Ctx, invoice: Stripe.Invoice, nextAttempt: number | null): Stripe.Invoice {
  const failed: Stripe.Invoice = {
    ...invoice,
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt: nextAttempt,
  };
  ctx.store.put("invoice", failed);
  return failed;
}

export const invoiceRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v1\/invoices\/([^/]+)$/,
    handle: (ctx, req, [id = ""]) => {
      const inv = ctx.store.get("invoice", id);
      if (!inv) throw resourceMissing("invoice", id);
      return expand(ctx.store, inv, new Params(req.params, { expand: "list" }).list("expand"));
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/invoices$/,
    handle: (ctx, req) => {
      const p = new Params(req.params, { ...pageSpec, customer: "s", subscription: "s", status: "s" });
      const customer = p.str("customer");
      const subscription = p.str("subscription");
      const status = p.str("status");
      const page = listPage(
        ctx.store.ids("invoice"),
        (id) => ctx.store.get("invoice", id),
        (x) =>
          (customer === null || customerIdOf(x) === customer) &&
          (subscription === null || x.parent?.subscription_details?.subscription === subscription) &&
          (status === null || x.status === status),
        p,
        "/v1/invoices",
      );
      return expand(ctx.store, page, p.list("expand"));
    },
  },
];
