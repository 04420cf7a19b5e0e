// Checkout's post-payment invoices (`invoice_creation`), the tax IDs Checkout saves on the customer
// and the portal's invoice history, through the real SDK and the hosted pages.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  checkout,
  FULL_INVOICE_CREATION,
  makePlan,
  paymentSession as openPaymentSession,
  useHarness,
} from "./test-support.ts";

const h = useHarness();
const success = "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}";

async function lifetime() {
  const product = await h.stripe.products.create({ name: "Lifetime" });
  return h.stripe.prices.create({
    product: product.id,
    currency: "eur",
    unit_amount: 29900,
    tax_behavior: "inclusive",
    currency_options: { usd: { unit_amount: 32900, tax_behavior: "exclusive" } },
  });
}

/** A payment-mode session as Gatehouse opens it, on this file's stand-in. */
const paymentSession = (price: string, customer: string, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
  openPaymentSession(h, price, customer, extra);

async function pay(sessionId: string, country: string, taxId?: string) {
  return h.control<{ session: Stripe.Checkout.Session }>(`/_sandbox/checkout/sessions/${sessionId}/complete`, {
    card: "4242424242424242",
    name: "Ada Buyer",
    address: { country, line1: "1 rue de Rivoli", city: "Paris", postal_code: "75001" },
    ...(taxId ? { taxId } : {}),
  });
}

/** The event types that concern these objects, oldest first. */
async function eventTypesFor(ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of h.stripe.events.list({ limit: 100 })) {
    const o = e.data.object as { id?: string; payment_intent?: unknown };
    if ([o.id, o.payment_intent].some((x) => typeof x === "string" && ids.includes(x))) out.push(e.type);
  }
  return out.reverse();
}

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const e = await p.then(
    () => expect.unreachable("accepted"),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  return e as Stripe.errors.StripeError;
}

describe("Checkout post-payment invoices (invoice_creation)", () => {
  it("makes a paid invoice for the payment, with the tax, the invoice_data and Stripe's events in order", async () => {
    const price = await lifetime();
    const customer = await h.stripe.customers.create({ email: "invoice@example.com", metadata: { user_id: "u1" } });
    const session = await paymentSession(price.id, customer.id, { invoice_creation: FULL_INVOICE_CREATION });
    expect(session.invoice_creation).toEqual({
      enabled: true,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: [{ name: "Order", value: "42" }],
        description: "One-time purchase on Gatehouse",
        footer: "Thank you",
        issuer: { type: "self" },
        metadata: { user_id: "u1" },
        rendering_options: { amount_tax_display: "include_inclusive_tax", template: null },
      },
    });
    expect(session.invoice).toBeNull();
    expect((await pay(session.id, "FR", "FR40303265045")).status).toBe(200);

    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["invoice"] });
    const invoice = done.invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      object: "invoice",
      customer: customer.id,
      status: "paid",
      billing_reason: "manual",
      parent: null,
      currency: "eur",
      subtotal: 29900,
      total: 29900,
      total_excluding_tax: 24917,
      amount_due: 29900,
      amount_paid: 29900,
      amount_remaining: 0,
      description: "One-time purchase on Gatehouse",
      footer: "Thank you",
      metadata: { user_id: "u1" },
      custom_fields: [{ name: "Order", value: "42" }],
      customer_tax_ids: [{ type: "eu_vat", value: "FR40303265045" }],
      automatic_tax: { enabled: true, status: "complete" },
    });
    expect(invoice.total_taxes).toEqual([
      expect.objectContaining({ amount: 4983, tax_behavior: "inclusive", taxable_amount: 24917 }),
    ]);
    expect(invoice.status_transitions.paid_at).not.toBeNull();
    // The total is what the payment charged.
    expect(done.amount_total).toBe(invoice.total);
    const line = invoice.lines.data[0];
    expect(line).toMatchObject({
      amount: 29900,
      quantity: 1,
      subscription: null,
      description: "1 × Lifetime",
      pricing: { price_details: { price: price.id } },
      parent: { type: "invoice_item_details", subscription_item_details: null },
    });
    expect(line?.parent?.invoice_item_details?.invoice_item).toMatch(/^ii_/);

    expect(await eventTypesFor([String(done.payment_intent), session.id, invoice.id])).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    const listed = await h.stripe.invoices.list({ customer: customer.id });
    expect(listed.data.map((x) => x.id)).toEqual([invoice.id]);

    // The hosted invoice page (hosted_invoice_url); the PDF is not served.
    const page = await fetch(String(invoice.hosted_invoice_url), { headers: { "accept-language": "fr-FR,fr" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Facture");
    expect(html).toContain("Payée");
    expect(html).toContain("Dont TVA (20 %)");
    expect(html).toMatch(/299,00\s€/);
    expect((await fetch(String(invoice.invoice_pdf))).status).toBe(404);
  });

  it("taxes a USD purchase from the US at 0 % and makes no invoice without invoice_creation", async () => {
    const price = await lifetime();
    const customer = await h.stripe.customers.create({ email: "us@example.com" });
    const withInvoice = await paymentSession(price.id, customer.id, {
      currency: "usd",
      invoice_creation: { enabled: true },
    });
    await pay(withInvoice.id, "US");
    const invoice = (await h.stripe.checkout.sessions.retrieve(withInvoice.id, { expand: ["invoice"] }))
      .invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ currency: "usd", total: 32900, amount_paid: 32900, status: "paid" });
    expect(invoice.total_taxes).toEqual([expect.objectContaining({ amount: 0, taxability_reason: "not_collecting" })]);
    expect(invoice.metadata).toEqual({});

    const without = await paymentSession(price.id, customer.id);
    expect(without.invoice_creation).toEqual({
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    });
    await pay(without.id, "US");
    expect((await h.stripe.checkout.sessions.retrieve(without.id)).invoice).toBeNull();
    expect((await h.stripe.invoices.list({ customer: customer.id })).data.map((x) => x.id)).toEqual([invoice.id]);
  });

  it("refuses invoice_creation outside payment mode and what it does not model, in Stripe's shape", async () => {
    const price = await lifetime();
    const plan = await makePlan(h.stripe);
    const customer = await h.stripe.customers.create({ email: "refused@example.com" });
    const sub = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: plan.id, quantity: 1 }],
      success_url: success,
    });
    expect(sub.invoice_creation).toBeNull();
    const inSubscription = await refusal(
      h.stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: plan.id, quantity: 1 }],
        invoice_creation: { enabled: true },
        success_url: success,
      }),
    );
    expect(inSubscription.param).toBe("invoice_creation");
    expect(inSubscription.message).toBe(
      "You can only enable invoice creation when `mode` is set to `payment`. Invoices are created automatically when `mode` is set to `subscription`, and are unsupported when set to `setup`. To learn more visit https://stripe.com/docs/payments/checkout/post-payment-invoices.",
    );
    const base = {
      mode: "payment" as const,
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: success,
    };
    const noEnabled = await refusal(
      h.stripe.checkout.sessions.create({
        ...base,
        invoice_creation: { invoice_data: { description: "x" } } as Stripe.Checkout.SessionCreateParams.InvoiceCreation,
      }),
    );
    expect(noEnabled).toMatchObject({ code: "parameter_missing", param: "invoice_creation[enabled]" });
    const issuer = await refusal(
      h.stripe.checkout.sessions.create({
        ...base,
        invoice_creation: { enabled: true, invoice_data: { issuer: { type: "self" } } },
      }),
    );
    expect(issuer).toMatchObject({ code: "parameter_unknown", param: "invoice_creation[invoice_data][issuer]" });
    const tooMany = await refusal(
      h.stripe.checkout.sessions.create({
        ...base,
        invoice_creation: {
          enabled: true,
          invoice_data: { custom_fields: [1, 2, 3, 4, 5].map((n) => ({ name: `f${n}`, value: "v" })) },
        },
      }),
    );
    expect(tooMany.param).toBe("invoice_creation[invoice_data][custom_fields]");
  });
});

describe("tax IDs entered at Checkout", () => {
  it("needs customer_update[name]=auto for an existing customer, as Stripe does", async () => {
    const price = await lifetime();
    const customer = await h.stripe.customers.create({ email: "name@example.com" });
    const e = await refusal(paymentSession(price.id, customer.id, { customer_update: { address: "auto" } }));
    expect(e.message).toBe(
      "Tax ID collection requires updating business name on the customer. To enable tax ID collection for an existing customer, please set `customer_update[name]` to `auto`.",
    );
  });

  it("become tax_id objects on the customer (customer.tax_id.created), listed by the session and the customer", async () => {
    const price = await lifetime();
    const customer = await h.stripe.customers.create({ email: "vat-buyer@example.com" });
    const session = await paymentSession(price.id, customer.id);
    expect((await pay(session.id, "FR", "fr 40 303 265 045")).status).toBe(200);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done.customer_details?.tax_ids).toEqual([{ type: "eu_vat", value: "FR40303265045" }]);
    const taxIds = await h.stripe.customers.listTaxIds(customer.id);
    expect(taxIds.data).toEqual([
      expect.objectContaining({ object: "tax_id", type: "eu_vat", value: "FR40303265045", country: "FR" }),
    ]);
    const withIds = (await h.stripe.customers.retrieve(customer.id, { expand: ["tax_ids"] })) as Stripe.Customer;
    expect(withIds.tax_ids?.data.map((x) => x.value)).toEqual(["FR40303265045"]);
    expect(((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).tax_ids).toBeUndefined();
    const listed = await h.stripe.customers.list({ email: "vat-buyer@example.com", expand: ["data.tax_ids"] });
    expect(listed.data[0]?.tax_ids?.data.map((x) => x.id)).toEqual([taxIds.data[0]?.id]);
    const created: string[] = [];
    for await (const e of h.stripe.events.list({ type: "customer.tax_id.created", limit: 100 }))
      if ((e.data.object as Stripe.TaxId).customer === customer.id) created.push(e.type);
    expect(created).toEqual(["customer.tax_id.created"]);

    // A customer who has a tax ID is not asked again: no field on the page, an entered one is ignored.
    const again = await paymentSession(price.id, customer.id);
    const page = await (await fetch(String(again.url))).text();
    expect(page).not.toContain('id="taxId"');
    expect(page).toContain('id="country"');
    await pay(again.id, "FR", "DE123456789");
    expect((await h.stripe.customers.listTaxIds(customer.id)).data.map((x) => x.value)).toEqual(["FR40303265045"]);
    expect((await h.stripe.checkout.sessions.retrieve(again.id)).customer_details?.tax_ids).toEqual([
      { type: "eu_vat", value: "FR40303265045" },
    ]);
  });

  it("refuses a malformed tax ID before charging anything (the control: 400 tax_id_invalid; the page: its message)", async () => {
    const price = await lifetime();
    const customer = await h.stripe.customers.create({ email: "bad-vat@example.com" });
    const session = await paymentSession(price.id, customer.id, { locale: "fr" });
    const res = await pay(session.id, "FR", "FR12");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "tax_id_invalid", param: "tax_id" } });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await h.stripe.paymentIntents.list({ customer: customer.id })).data).toEqual([]);
    const form = new URLSearchParams({
      email: "bad-vat@example.com",
      country: "FR",
      taxId: "not a vat",
      cardNumber: "4242424242424242",
      cardExpiry: "12 / 40",
      cardCvc: "123",
    });
    const page = await fetch(String(session.url), { method: "POST", body: form, redirect: "manual" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Ce numéro fiscal n’est pas valide");
    expect((await h.stripe.customers.listTaxIds(customer.id)).data).toEqual([]);
  });

  it("are saved from a subscription Checkout too, and listed on its invoices", async () => {
    const plan = await makePlan(h.stripe);
    const customer = await h.stripe.customers.create({ email: "sub-vat@example.com" });
    // The same session as Gatehouse's purchases, in subscription mode.
    const session = await paymentSession(plan.id, customer.id, { mode: "subscription" });
    expect((await pay(session.id, "GB", "GB123456789")).status).toBe(200);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["invoice"] });
    expect(done.customer_details?.tax_ids).toEqual([{ type: "gb_vat", value: "GB123456789" }]);
    expect((done.invoice as Stripe.Invoice).customer_tax_ids).toEqual([{ type: "gb_vat", value: "GB123456789" }]);
  });
});

describe("the portal's invoice history", () => {
  it("lists subscription and purchase invoices (date, what, amount, status, link), in the portal's language", async () => {
    const price = await lifetime();
    const plan = await makePlan(h.stripe, { amount: 900 });
    const customer = await h.stripe.customers.create({ email: "history@example.com" });
    await checkout(h, plan.id, { customer: customer.id });
    const purchase = await paymentSession(price.id, customer.id, { invoice_creation: { enabled: true } });
    await pay(purchase.id, "FR");
    const invoices = await h.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(2);

    const portal = await h.stripe.billingPortal.sessions.create({ customer: customer.id, locale: "fr" });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Historique des factures");
    const rows = [...html.matchAll(/data-testid="invoice-row" data-invoice="(in_[^"]+)"/g)].map((m) => m[1]);
    // Newest first: the purchase, then the subscription's first invoice.
    expect(rows).toEqual(invoices.data.map((x) => x.id));
    expect(html).toContain("1 × Lifetime");
    expect(html).toMatch(/299,00\s€/);
    expect(html).toMatch(/9,00\s€/);
    expect(html.match(/data-testid="invoice-status">Payée</g)).toHaveLength(2);
    for (const x of invoices.data) expect(html).toContain(`href="${x.hosted_invoice_url}"`);

    const off = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: false } },
    });
    const without = await h.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: off.id });
    expect(await (await fetch(without.url)).text()).not.toContain('data-testid="invoice-history"');
  });
});
