// Full-size Stripe objects as Stripe sends them in events, built in code: each builder is typed as
// the stripe package's own type, so every field it declares (required ones at every depth, and the
// optional ones listed here) is present, nested lists included. Shapes follow Stripe's published
// example objects; ids are random, so Gatehouse knows none of them.
import Stripe from "stripe";

const dec = (v: string) => Stripe.Decimal.from(v);

const rand = () => crypto.randomUUID().replace(/-/g, "").slice(0, 24);
export const stripeId = (prefix: string) => `${prefix}_${rand()}`;
const nowS = () => Math.floor(Date.now() / 1000);

const address = (): Stripe.Address => ({
  city: "Paris",
  country: "FR",
  line1: "12 rue de la Paix",
  line2: "Bâtiment B, 3e étage",
  postal_code: "75002",
  state: null,
});

export function product(over: Partial<Stripe.Product> = {}): Stripe.Product {
  return {
    id: stripeId("prod"),
    object: "product",
    active: true,
    created: nowS() - 86_400,
    default_price: null,
    description: "A product Gatehouse has never heard of, with a long description for realism.",
    images: ["https://files.stripe.com/links/MDB8YWNjdF8xTmFtZXxmbF90ZXN0X2ltYWdl"],
    livemode: false,
    marketing_features: [{ name: "Unlimited widgets" }, { name: "Priority support" }],
    metadata: { internal_code: "ext-42", team: "growth" },
    name: "Foreign product",
    package_dimensions: { height: 10, length: 20, weight: 1.5, width: 5 },
    shippable: false,
    statement_descriptor: "FOREIGN PRODUCT",
    tax_code: "txcd_10000000",
    tax_details: null,
    type: "service",
    unit_label: "seat",
    updated: nowS(),
    url: "https://example.com/product",
    ...over,
  };
}

export function price(over: Partial<Stripe.Price> = {}): Stripe.Price {
  return {
    id: stripeId("price"),
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: nowS() - 86_400,
    currency: "usd",
    currency_options: {
      eur: {
        custom_unit_amount: null,
        tax_behavior: "exclusive",
        unit_amount: 900,
        unit_amount_decimal: dec("900"),
      },
    },
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: { source: "dashboard" },
    nickname: "Monthly (legacy)",
    product: stripeId("prod"),
    recurring: { interval: "month", interval_count: 1, meter: null, usage_type: "licensed", trial_period_days: null },
    tax_behavior: "exclusive",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: 1000,
    unit_amount_decimal: dec("1000"),
    ...over,
  };
}

function lineItem(invoice: string, subscription: string, i: number): Stripe.InvoiceLineItem {
  return {
    id: stripeId("il"),
    object: "line_item",
    amount: 1000 + i,
    currency: "usd",
    description: `Remaining time on ${i + 1} × Foreign plan after ${new Date(0).toUTCString()} (line ${i + 1})`,
    discount_amounts: [{ amount: 100, discount: stripeId("di") }],
    discountable: true,
    discounts: [stripeId("di")],
    invoice,
    livemode: false,
    metadata: { line: String(i), order_reference: `ORD-${i}-${rand()}` },
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: stripeId("ii"),
        proration: true,
        proration_details: {
          credited_items: { invoice: stripeId("in"), invoice_line_items: [stripeId("il"), stripeId("il")] },
        },
        subscription,
        subscription_item: stripeId("si"),
      },
      type: "subscription_item_details",
    },
    period: { end: nowS() + 30 * 86_400, start: nowS() },
    pretax_credit_amounts: [
      { amount: 50, credit_balance_transaction: stripeId("cbtxn"), discount: stripeId("di"), type: "discount" },
    ],
    pricing: {
      price_details: { price: stripeId("price"), product: stripeId("prod") },
      type: "price_details",
      unit_amount_decimal: dec("1000"),
    },
    quantity: 1,
    quantity_decimal: dec("1"),
    subscription,
    subtotal: 1000 + i,
    taxes: [
      {
        amount: 200,
        tax_behavior: "exclusive",
        tax_rate_details: { tax_rate: stripeId("txr") },
        taxability_reason: "standard_rated",
        taxable_amount: 1000,
        type: "tax_rate_details",
      },
    ],
  };
}

/** An invoice with `lines` line items (Stripe lists up to 10 in events; a "realistic" big one has many). */
export function invoice(customer: string, lines: number, over: Partial<Stripe.Invoice> = {}): Stripe.Invoice {
  const id = stripeId("in");
  const subscription = stripeId("sub");
  const data = Array.from({ length: lines }, (_, i) => lineItem(id, subscription, i));
  return {
    id,
    object: "invoice",
    account_country: "FR",
    account_name: "Gatehouse test account",
    account_tax_ids: [stripeId("txi")],
    amount_due: 1000 * lines,
    amount_overpaid: 0,
    amount_paid: 1000 * lines,
    amount_paid_off_stripe: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    auto_advance: false,
    automatic_tax: {
      disabled_reason: null,
      enabled: true,
      liability: { type: "self" },
      provider: "stripe",
      status: "complete",
    },
    automatically_finalizes_at: null,
    billing_reason: "subscription_cycle",
    collection_method: "charge_automatically",
    confirmation_secret: null,
    created: nowS(),
    currency: "usd",
    custom_fields: [{ name: "Purchase order", value: `PO-${rand()}` }],
    customer,
    customer_account: null,
    customer_address: address(),
    customer_email: "someone@example.com",
    customer_name: "Someone Else",
    customer_phone: "+33 1 23 45 67 89",
    customer_shipping: { address: address(), carrier: null, name: "Someone Else", phone: null, tracking_number: null },
    customer_tax_exempt: "none",
    customer_tax_ids: [{ type: "eu_vat", value: "FR12345678901" }],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: "Thanks for your business",
    discounts: [stripeId("di")],
    due_date: null,
    effective_at: nowS(),
    ending_balance: 0,
    footer: "Gatehouse SAS — 12 rue de la Paix, 75002 Paris",
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${rand()}`,
    invoice_pdf: `https://pay.stripe.com/invoice/acct_test/${rand()}/pdf`,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: { order: rand() },
    next_payment_attempt: null,
    number: `ABCD1234-${String(lines).padStart(4, "0")}`,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { user_id: crypto.randomUUID() }, subscription },
      type: "subscription_details",
    },
    payment_settings: {
      default_mandate: null,
      payment_method_options: {
        acss_debit: null,
        bancontact: { preferred_language: "fr" },
        card: { request_three_d_secure: "automatic" },
        customer_balance: null,
        konbini: null,
        payto: null,
        pix: null,
        sepa_debit: null,
        upi: null,
        us_bank_account: null,
      },
      payment_method_types: ["card", "sepa_debit"],
    },
    period_end: nowS(),
    period_start: nowS() - 30 * 86_400,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: "a4" }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "paid",
    status_transitions: { finalized_at: nowS(), marked_uncollectible_at: null, paid_at: nowS(), voided_at: null },
    subtotal: 1000 * lines,
    subtotal_excluding_tax: 1000 * lines,
    test_clock: null,
    total: 1000 * lines,
    total_discount_amounts: [{ amount: 0, discount: stripeId("di") }],
    total_excluding_tax: 1000 * lines,
    total_pretax_credit_amounts: null,
    total_taxes: [],
    webhooks_delivered_at: nowS(),
    ...over,
  };
}

/** A Stripe event wrapping `object`, as Stripe delivers it. */
export function event(type: string, object: { id: string }, previous?: Record<string, unknown>): Stripe.Event {
  return {
    id: stripeId("evt"),
    object: "event",
    api_version: "2026-10-28.endive",
    context: undefined,
    created: nowS(),
    data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: stripeId("req"), idempotency_key: crypto.randomUUID() },
    type,
  } as unknown as Stripe.Event;
}
