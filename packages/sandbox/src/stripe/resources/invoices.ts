import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, stateError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { Params, pageSpec } from "../params.ts";
import { behaviorOf, computeTax, type TaxAmounts, type TaxBehavior } from "../tax.ts";
import { payInvoice, planChange, prorationBehaviors, voidInvoice } from "./plan-change.ts";
import { addInterval, priceIn } from "./prices.ts";
import { getSubscription, itemUpdates, periodOf, withPeriod } from "./subscriptions.ts";
import { taxIdsOf } from "./tax-ids.ts";

/** One line of an invoice as the stand-in composes it (a period charge or a proration). */
export interface LineSpec {
  description: string;
  amount: number;
  price: Stripe.Price;
  quantity: number;
  subscriptionItem: string;
  period: { start: number; end: number };
  proration: boolean;
}

export interface InvoiceInit {
  subscription: Stripe.Subscription;
  reason: Stripe.Invoice.BillingReason;
  periodStart: number;
  periodEnd: number;
  /** A trial invoice charges nothing. */
  trial: boolean;
  /** The lines; by default one per subscription item for [periodStart, periodEnd]. */
  lines?: LineSpec[];
  /** Proration lines left for this invoice by earlier changes (`create_prorations`). */
  extraLines?: LineSpec[];
}

export function customerIdOf(x: { customer: string | { id: string } | null }): string {
  if (x.customer === null) return "";
  return typeof x.customer === "string" ? x.customer : x.customer.id;
}

export function productIdOf(price: Stripe.Price): string {
  return typeof price.product === "string" ? price.product : price.product.id;
}

/** The period lines of a subscription: one per item, `1 × Product (at €9.00 / month)` like Stripe. */
export function periodLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  start: number,
  end: number,
  trial: boolean,
): LineSpec[] {
  return sub.items.data.map((item) => {
    const quantity = item.quantity ?? 1;
    const product = productIdOf(item.price);
    return {
      description: `${quantity} × ${ctx.store.get("product", product)?.name ?? product}${trial ? " (trial)" : ""}`,
      amount: trial
        ? 0
        : (priceIn(ctx, item.price, sub.currency)?.unitAmount ?? item.price.unit_amount ?? 0) * quantity,
      price: item.price,
      quantity,
      subscriptionItem: item.id,
      period: { start, end },
      proration: false,
    };
  });
}

/** The fields every invoice line has, whatever its parent (a subscription item or an invoice item). */
function invoiceLine(
  l: { amount: number; description: string; price: Stripe.Price; quantity: number },
  on: {
    invoice: string;
    currency: string;
    discountable: boolean;
    parent: Stripe.InvoiceLineItem.Parent;
    period: Stripe.InvoiceLineItem.Period;
    subscription: string | null;
  },
): Stripe.InvoiceLineItem {
  return {
    id: newId("il"),
    object: "line_item",
    amount: l.amount,
    currency: on.currency,
    description: l.description,
    discount_amounts: [],
    discountable: on.discountable,
    discounts: [],
    invoice: on.invoice,
    livemode: false,
    metadata: {},
    parent: on.parent,
    period: on.period,
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: l.price.id, product: productIdOf(l.price) },
      unit_amount_decimal: null,
    },
    quantity: l.quantity,
    quantity_decimal: null,
    subscription: on.subscription,
    subtotal: l.amount,
    taxes: [],
  };
}

function lineItem(invoiceId: string, sub: Stripe.Subscription, l: LineSpec): Stripe.InvoiceLineItem {
  return invoiceLine(l, {
    invoice: invoiceId,
    currency: sub.currency,
    discountable: !l.proration,
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: l.proration ? newId("ii") : null,
        proration: l.proration,
        proration_details: { credited_items: null },
        subscription: sub.id,
        subscription_item: l.subscriptionItem,
      },
    },
    period: l.period,
    subscription: sub.id,
  });
}

/**
 * Composes an invoice without storing anything (the preview shows exactly this). The customer's
 * balance applies as on Stripe: a credit (negative balance) lowers `amount_due`; a negative total
 * leaves the rest as credit (`ending_balance`).
 */
export function composeInvoice(
  ctx: Ctx,
  init: InvoiceInit,
  id: string,
): { invoice: Stripe.Invoice; customerBalance: number | null } {
  const sub = init.subscription;
  const customer = ctx.store.get("customer", customerIdOf(sub));
  const currency = sub.currency;
  const specs = [
    ...(init.extraLines ?? []),
    ...(init.lines ?? periodLines(ctx, sub, init.periodStart, init.periodEnd, init.trial)),
  ];
  const lines = specs.map((l) => lineItem(id, sub, l));
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  // Stripe Tax on the invoice (the sandbox's rate table, by the customer's country).
  const firstPrice = sub.items.data[0]?.price;
  const taxed = sub.automatic_tax.enabled && Boolean(customer?.address?.country);
  const behavior = behaviorOf(firstPrice ? priceIn(ctx, firstPrice, currency)?.taxBehavior : null);
  const tax = taxed
    ? computeTax(subtotal, customer?.address?.country, behavior)
    : { net: subtotal, tax: 0, total: subtotal, percentage: 0 };
  const total = tax.total;
  const totalTaxes = taxed ? [totalTax(tax, behavior, customer?.address?.country)] : [];
  const startingBalance = customer?.balance ?? 0;
  const due = total + startingBalance;
  const amountDue = Math.max(0, due);
  const endingBalance = Math.min(due, 0);
  const invoice = invoiceObject(ctx, {
    id,
    customer,
    customerId: customerIdOf(sub),
    currency,
    lines,
    subtotal,
    tax,
    totalTaxes,
    automaticTax: { enabled: sub.automatic_tax.enabled, taxed },
    reason: init.reason,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: sub.metadata, subscription: sub.id },
    },
    period: { start: init.periodStart, end: init.periodEnd },
    balance: { starting: startingBalance, ending: endingBalance, amountDue },
  });
  return { invoice, customerBalance: customer ? endingBalance : null };
}

/** An invoice's `total_taxes` entry for the sandbox's rate of a country. */
function totalTax(
  tax: Omit<TaxAmounts, "total">,
  behavior: TaxBehavior,
  country: string | null | undefined,
): Stripe.Invoice.TotalTax {
  return {
    amount: tax.tax,
    tax_behavior: behavior,
    tax_rate_details: { tax_rate: `txr_sandbox_${country ?? ""}_${tax.percentage}` },
    taxability_reason: tax.percentage > 0 ? "standard_rated" : "not_collecting",
    taxable_amount: tax.net,
    type: "tax_rate_details",
  };
}

/** One line of a Checkout post-payment invoice: a one-time price bought (its gross amount). */
export interface PaymentLine {
  price: Stripe.Price;
  quantity: number;
  amount: number;
  description: string;
  tax: TaxAmounts;
  behavior: TaxBehavior;
}

/**
 * The invoice a payment-mode Checkout Session with `invoice_creation[enabled]` makes for what was
 * just paid (Stripe's post-payment invoice): no subscription (`parent: null`), billing_reason
 * `manual`, one invoice item line per line item, the session's tax (`total_taxes`), the
 * `invoice_data` the session was created with. Stored open; chargeInvoice marks it paid.
 */
export function newPaymentInvoice(
  ctx: Ctx,
  init: {
    customer: Stripe.Customer;
    currency: string;
    lines: PaymentLine[];
    automaticTax: boolean;
    country: string | null;
    data: Stripe.Checkout.Session.InvoiceCreation.InvoiceData;
  },
): Stripe.Invoice {
  const id = newId("in");
  const now = ctx.clock.now();
  const { customer, currency } = init;
  const lines: Stripe.InvoiceLineItem[] = init.lines.map((l) =>
    invoiceLine(l, {
      invoice: id,
      currency,
      discountable: true,
      parent: {
        type: "invoice_item_details",
        invoice_item_details: {
          invoice_item: newId("ii"),
          proration: false,
          proration_details: { credited_items: null },
          subscription: null,
        },
        subscription_item_details: null,
      },
      period: { start: now, end: now },
      subscription: null,
    }),
  );
  const sum = (f: (l: PaymentLine) => number) => init.lines.reduce((s, l) => s + f(l), 0);
  const tax = { net: sum((l) => l.tax.net), tax: sum((l) => l.tax.tax), total: sum((l) => l.tax.total) };
  const first = init.lines[0];
  const taxed = init.automaticTax && init.country !== null;
  const invoice = invoiceObject(ctx, {
    id,
    customer,
    customerId: customer.id,
    currency,
    lines,
    subtotal: sum((l) => l.amount),
    tax,
    totalTaxes:
      taxed && first ? [totalTax({ ...tax, percentage: first.tax.percentage }, first.behavior, init.country)] : [],
    automaticTax: { enabled: init.automaticTax, taxed },
    reason: "manual",
    parent: null,
    period: { start: now, end: now },
    // Paid by the Checkout payment itself: the customer's balance is not applied.
    balance: { starting: 0, ending: 0, amountDue: tax.total },
    data: init.data,
  });
  ctx.store.put("customer", { ...customer, next_invoice_sequence: (customer.next_invoice_sequence ?? 1) + 1 });
  ctx.store.put("invoice", { ...invoice, auto_advance: false });
  return { ...invoice, auto_advance: false };
}

/** What an invoice is made of; invoiceObject fills in the rest of Stripe's fields. */
interface InvoiceParts {
  id: string;
  customer: Stripe.Customer | undefined;
  customerId: string;
  currency: string;
  lines: Stripe.InvoiceLineItem[];
  subtotal: number;
  tax: { tax: number; total: number };
  totalTaxes: Stripe.Invoice.TotalTax[];
  automaticTax: { enabled: boolean; taxed: boolean };
  reason: Stripe.Invoice.BillingReason;
  parent: Stripe.Invoice.Parent | null;
  period: { start: number; end: number };
  balance: { starting: number; ending: number; amountDue: number };
  /** `invoice_creation[invoice_data]` of a Checkout post-payment invoice. */
  data?: Stripe.Checkout.Session.InvoiceCreation.InvoiceData;
}

/** An open (finalized, unpaid) invoice with every field Stripe's has. */
function invoiceObject(ctx: Ctx, parts: InvoiceParts): Stripe.Invoice {
  const now = ctx.clock.now();
  const { id, customer, currency, lines, subtotal, tax, totalTaxes, data } = parts;
  const total = tax.total;
  const { starting: startingBalance, ending: endingBalance, amountDue } = parts.balance;
  const automatic = parts.automaticTax;
  return {
    id,
    object: "invoice",
    account_country: "FR",
    account_name: "Gatehouse (sandbox)",
    account_tax_ids: null,
    amount_due: amountDue,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_paid_off_stripe: 0,
    amount_remaining: amountDue,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: {
      disabled_reason: null,
      enabled: automatic.enabled,
      liability: automatic.enabled ? { type: "self" } : null,
      provider: automatic.enabled ? "stripe" : null,
      status: automatic.enabled ? (automatic.taxed ? "complete" : "requires_location_inputs") : null,
    },
    automatically_finalizes_at: null,
    billing_reason: parts.reason,
    collection_method: "charge_automatically",
    created: now,
    currency,
    custom_fields: data?.custom_fields ?? null,
    customer: parts.customerId,
    customer_account: null,
    customer_address: customer?.address ?? null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: customer ? taxIdsOf(ctx, customer.id).map((t) => ({ type: t.type, value: t.value })) : [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: data?.description ?? null,
    discounts: [],
    due_date: null,
    effective_at: now,
    ending_balance: endingBalance,
    footer: data?.footer ?? null,
    from_invoice: null,
    // Stripe's hosted invoice page (the stand-in serves it) and PDF (not served: 404).
    hosted_invoice_url: `${ctx.baseUrl}/invoice/${id}`,
    invoice_pdf: `${ctx.baseUrl}/invoice/${id}/pdf`,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: data?.metadata ?? {},
    next_payment_attempt: null,
    number: `${customer?.invoice_prefix ?? "SANDBOX"}-${String(customer?.next_invoice_sequence ?? 1).padStart(4, "0")}`,
    on_behalf_of: null,
    parent: parts.parent,
    payment_settings: {
      default_mandate: null,
      payment_method_options: {
        acss_debit: null,
        bancontact: null,
        card: { request_three_d_secure: "automatic" },
        customer_balance: null,
        konbini: null,
        payto: null,
        pix: null,
        sepa_debit: null,
        upi: null,
        us_bank_account: null,
      },
      payment_method_types: null,
    },
    period_end: parts.period.end,
    period_start: parts.period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: {
      amount_tax_display: data?.rendering_options?.amount_tax_display ?? null,
      pdf: { page_size: "auto" },
      template: null,
      template_version: null,
    },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: startingBalance,
    statement_descriptor: null,
    status: "open",
    status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: tax.total - tax.tax,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: tax.total - tax.tax,
    total_pretax_credit_amounts: [],
    total_taxes: totalTaxes,
    webhooks_delivered_at: null,
  };
}

/** A draft→open invoice for one subscription period (or the given lines), stored; the balance applied. */
export function newInvoice(ctx: Ctx, init: InvoiceInit): Stripe.Invoice {
  const { invoice, customerBalance } = composeInvoice(ctx, init, newId("in"));
  const customer = ctx.store.get("customer", customerIdOf(init.subscription));
  if (customer) {
    ctx.store.put("customer", {
      ...customer,
      balance: customerBalance ?? customer.balance,
      next_invoice_sequence: (customer.next_invoice_sequence ?? 1) + 1,
    });
  }
  ctx.store.put("invoice", invoice);
  return invoice;
}

/** Emits the invoice events of a successful charge and returns the paid invoice. */
export function chargeInvoice(ctx: Ctx, request: RequestInfo | null, invoice: Stripe.Invoice): Stripe.Invoice {
  ctx.events.emit("invoice.created", invoice, request);
  ctx.events.emit("invoice.finalized", invoice, request);
  return settleInvoice(ctx, request, invoice);
}

/**
 * Pays an open invoice: stores it paid and emits invoice.paid (with what changed) and
 * invoice.payment_succeeded, as Stripe does when a charge succeeds. Returns the paid invoice.
 */
export function settleInvoice(ctx: Ctx, request: RequestInfo | null, invoice: Stripe.Invoice): Stripe.Invoice {
  const paid = markPaid(ctx, invoice);
  ctx.events.emit("invoice.paid", paid, request, {
    status: "open",
    amount_paid: 0,
    amount_remaining: invoice.amount_due,
  });
  ctx.events.emit("invoice.payment_succeeded", paid, request);
  return paid;
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

/**
 * `POST /v1/invoices/create_preview`: the invoice a subscription change would make, not stored and
 * never charged. With `always_invoice` (or a change of interval) the invoice made at once; otherwise
 * the next period's invoice, with the prorations it would carry.
 */
function createPreview(ctx: Ctx, req: ApiRequest): Stripe.Invoice {
  const p = new Params(req.params, {
    customer: "s",
    subscription: "s",
    subscription_details: {
      items: [{ id: "s", price: "s", quantity: "s", deleted: "s" }],
      proration_behavior: "s",
      proration_date: "s",
    },
    expand: "list",
  });
  const subId = p.str("subscription");
  if (subId === null)
    throw invalidParameter(
      "subscription",
      "The stand-in previews subscription invoices only: pass subscription (and subscription_details).",
    );
  const sub = getSubscription(ctx, subId, "subscription");
  const customer = p.str("customer");
  if (customer !== null && customer !== customerIdOf(sub))
    throw invalidParameter("customer", `The subscription ${sub.id} does not belong to the customer ${customer}.`);
  if (sub.status === "canceled" || sub.status === "incomplete_expired")
    throw stateError(`The subscription ${sub.id} is ${sub.status}: it has no upcoming invoice.`, "subscription");
  const details = p.obj("subscription_details");
  const updates = details
    ? itemUpdates(details, "items", "subscription_details[items]").map((u) => ({
        ...u,
        price: u.price || (sub.items.data.find((i) => i.id === u.id)?.price.id ?? ""),
      }))
    : [];
  const rawProration = details?.str("proration_behavior") ?? null;
  const proration = prorationBehaviors.find((b) => b === rawProration);
  if (rawProration !== null && !proration)
    throw invalidParameter(
      "subscription_details[proration_behavior]",
      `Invalid subscription_details[proration_behavior]: must be one of ${prorationBehaviors.join(", ")}`,
    );
  const plan = planChange(ctx, sub, updates, {
    proration: proration ?? "create_prorations",
    prorationDate: details?.int("proration_date") ?? null,
  });
  const state = ctx.store.get("subscription_state", sub.id);
  const id = newId("upcoming_in", 24);
  let invoice: Stripe.Invoice;
  if (plan.invoiceNow) {
    invoice = composeInvoice(
      ctx,
      {
        subscription: plan.next,
        reason: "subscription_update",
        periodStart: plan.invoicePeriod.start,
        periodEnd: plan.invoicePeriod.end,
        trial: false,
        lines: plan.invoiceNow,
        ...(state?.pendingLines?.length ? { extraLines: state.pendingLines } : {}),
      },
      id,
    ).invoice;
  } else {
    const { end } = periodOf(plan.next);
    const first = plan.next.items.data[0]?.price;
    const nextEnd = addInterval(end, first?.recurring?.interval ?? "month", first?.recurring?.interval_count ?? 1);
    invoice = composeInvoice(
      ctx,
      {
        subscription: withPeriod(plan.next, end, nextEnd),
        reason: "subscription_cycle",
        periodStart: end,
        periodEnd: nextEnd,
        trial: false,
        extraLines: [...(state?.pendingLines ?? []), ...plan.pendingLines],
      },
      id,
    ).invoice;
  }
  const now = ctx.clock.now();
  const prorationDate = details?.int("proration_date") ?? now;
  const preview: Stripe.Invoice = {
    ...invoice,
    // Stripe tells which proration date a preview used, so the update can pass the same one.
    parent:
      updates.length && invoice.parent?.subscription_details
        ? {
            ...invoice.parent,
            subscription_details: {
              ...invoice.parent.subscription_details,
              subscription_proration_date: prorationDate,
            },
          }
        : invoice.parent,
    status: "draft",
    number: null,
    auto_advance: false,
    effective_at: null,
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    created: plan.invoiceNow ? now : invoice.period_start,
    automatically_finalizes_at: null,
    next_payment_attempt: plan.invoiceNow ? null : invoice.period_start,
  };
  return expand(ctx.store, preview, p.list("expand"));
}

export const invoiceRoutes: Route[] = [
  route.post("/invoices/create_preview", (ctx, req) => createPreview(ctx, req)),
  route.post("/invoices/:id/void", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    const inv = ctx.store.get("invoice", id);
    if (!inv) throw resourceMissing("invoice", id);
    return expand(ctx.store, voidInvoice(ctx, req.request, inv), p.list("expand"));
  }),
  route.post("/invoices/:id/pay", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    const inv = ctx.store.get("invoice", id);
    if (!inv) throw resourceMissing("invoice", id);
    return expand(ctx.store, payInvoice(ctx, req.request, inv), p.list("expand"));
  }),
  route.get("/invoices/:id", (ctx, req, [id = ""]) => {
    const inv = ctx.store.get("invoice", id);
    if (!inv) throw resourceMissing("invoice", id);
    return expand(ctx.store, inv, new Params(req.params, { expand: "list" }).list("expand"));
  }),
  route.get("/invoices", (ctx, req) => {
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
  }),
];
