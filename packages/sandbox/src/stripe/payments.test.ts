// One-time payments through the real SDK: payment-mode Checkout, currency options, tax, refunds, disputes.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { makePlan, openSession, paymentSession, useHarness } from "./test-support.ts";

const h = useHarness();

async function lifetime(taxBehavior: "inclusive" | "exclusive" = "exclusive") {
  const product = await h.stripe.products.create({ name: "Lifetime" });
  return h.stripe.prices.create({
    product: product.id,
    currency: "eur",
    unit_amount: 19900,
    tax_behavior: taxBehavior,
    currency_options: { usd: { unit_amount: 21900, tax_behavior: taxBehavior } },
  });
}

const success = "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}";

async function buy(
  price: string,
  opts: {
    currency?: string;
    country?: string;
    customer?: string;
    card?: string;
    taxId?: string;
  } = {},
) {
  const customer = opts.customer ?? (await h.stripe.customers.create({ email: "buyer@example.com" })).id;
  const session = await paymentSession(h, price, customer, {
    payment_intent_data: { metadata: { user_id: "u1" } },
    ...(opts.currency ? { currency: opts.currency } : {}),
  });
  const done = await h.control<{ session: Stripe.Checkout.Session; payment_intent: string }>(
    `/_sandbox/checkout/sessions/${session.id}/complete`,
    {
      card: opts.card ?? "4242424242424242",
      name: "Ada Buyer",
      address: { country: opts.country ?? "FR", line1: "1 rue de Rivoli", city: "Paris", postal_code: "75001" },
      ...(opts.taxId ? { taxId: opts.taxId } : {}),
    },
  );
  return { session, customer, done };
}

async function eventTypesFor(ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of h.stripe.events.list({ limit: 100 })) {
    const o = e.data.object as { id?: string; payment_intent?: unknown; charge?: unknown };
    if ([o.id, o.payment_intent, o.charge].some((x) => typeof x === "string" && ids.includes(x))) out.push(e.type);
  }
  return out.reverse();
}

describe("one-time payments", () => {
  it("a payment-mode Checkout creates a payment intent and a charge, with Stripe's events in order", async () => {
    const price = await lifetime();
    expect(price.type).toBe("one_time");
    const { session, done } = await buy(price.id, { country: "FR", taxId: "FR40303265045" });
    expect(done.status).toBe(200);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      currency: "eur",
      amount_subtotal: 19900,
      amount_total: 23880,
      total_details: { amount_tax: 3980 },
      subscription: null,
    });
    expect(completed.customer_details?.address?.country).toBe("FR");
    expect(completed.customer_details?.tax_ids).toEqual([{ type: "eu_vat", value: "FR40303265045" }]);
    const intentId = String(completed.payment_intent);
    expect(intentId).toMatch(/^pi_/);
    const intent = await h.stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] });
    expect(intent).toMatchObject({ status: "succeeded", amount: 23880, amount_received: 23880, currency: "eur" });
    expect(intent.metadata).toEqual({ user_id: "u1" });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ paid: true, refunded: false, amount_refunded: 0, disputed: false });
    expect(charge.receipt_url).toMatch(/\/receipts\/ch_/);
    // The customer's address was saved from Checkout (customer_update[address]=auto).
    const customer = (await h.stripe.customers.retrieve(String(completed.customer))) as Stripe.Customer;
    expect(customer.address?.country).toBe("FR");
    expect(customer.name).toBe("Ada Buyer");
    expect(await eventTypesFor([intentId, session.id])).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const receipt = await fetch(String(charge.receipt_url));
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain("VAT (20%)");
    expect(html).toContain("€39.80");
  });

  it("charges a currency option (USD, no tax in the US) and lists the options under expand", async () => {
    const price = await lifetime();
    const expanded = await h.stripe.prices.retrieve(price.id, { expand: ["currency_options"] });
    expect(expanded.currency_options?.usd?.unit_amount).toBe(21900);
    expect(expanded.currency_options?.eur?.unit_amount).toBe(19900);
    expect((await h.stripe.prices.retrieve(price.id)).currency_options).toBeUndefined();
    const { session } = await buy(price.id, { currency: "usd", country: "US" });
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ currency: "usd", amount_total: 21900, total_details: { amount_tax: 0 } });
  });

  it("an inclusive price contains its tax: the total stays the price", async () => {
    const price = await lifetime("inclusive");
    const { session } = await buy(price.id, { country: "DE" });
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ amount_total: 19900, total_details: { amount_tax: 3177 } });
  });

  it("refuses bad payment-mode parameters in Stripe's shape", async () => {
    const price = await lifetime();
    const recurring = await makePlan(h.stripe, { product: String(price.product) });
    const base = { mode: "payment" as const, success_url: success };
    const attempts: Array<[Stripe.Checkout.SessionCreateParams, string, RegExp]> = [
      [{ ...base, line_items: [{ price: price.id, quantity: 1 }], currency: "jpy" }, "currency", /jpy/],
      [{ ...base, line_items: [{ price: price.id, quantity: 1 }], currency: "xyz" }, "currency", /xyz/],
      [{ ...base, line_items: [{ price: recurring.id, quantity: 1 }] }, "line_items[0][price]", /recurring price/],
      [
        { ...base, line_items: [{ price: price.id, quantity: 1 }], subscription_data: { metadata: { a: "b" } } },
        "subscription_data",
        /payment/,
      ],
      [
        {
          ...base,
          line_items: [{ price: price.id, quantity: 1 }],
          customer_email: "a@example.com",
          customer_update: { address: "auto" },
        },
        "customer_update",
        /customer/,
      ],
    ];
    for (const [params, param, message] of attempts) {
      const err = await h.stripe.checkout.sessions.create(params).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((err as Stripe.errors.StripeError).param).toBe(param);
      expect((err as Stripe.errors.StripeError).message).toMatch(message);
    }
    const customer = await h.stripe.customers.create({ email: "noaddress@example.com" });
    const err = await h.stripe.checkout.sessions
      .create({ ...base, customer: customer.id, line_items: [{ price: price.id }], automatic_tax: { enabled: true } })
      .catch((e: unknown) => e);
    expect((err as Stripe.errors.StripeError).param).toBe("customer_update[address]");
    const badOption = await h.stripe.prices
      .create({
        product: String(price.product),
        currency: "eur",
        unit_amount: 1,
        currency_options: { usd: { tax_behavior: "exclusive" } },
      })
      .catch((e: unknown) => e);
    expect((badOption as Stripe.errors.StripeError).param).toBe("currency_options[usd][unit_amount]");
  });

  it("refunds partially then fully through /v1/refunds, and refuses a refund too large or twice", async () => {
    const price = await lifetime();
    const { session } = await buy(price.id, { currency: "usd", country: "US" });
    const intentId = String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent);
    const partial = await h.stripe.refunds.create({ payment_intent: intentId, amount: 5000 });
    expect(partial).toMatchObject({ object: "refund", amount: 5000, status: "succeeded", payment_intent: intentId });
    const chargeId = String(partial.charge);
    expect(await h.stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 5000, refunded: false });
    const tooMuch = await h.stripe.refunds.create({ charge: chargeId, amount: 100000 }).catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    const rest = await h.stripe.refunds.create({ charge: chargeId });
    expect(rest.amount).toBe(16900);
    expect(await h.stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 21900, refunded: true });
    const again = await h.stripe.refunds.create({ charge: chargeId }).catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });
    expect((await h.stripe.refunds.retrieve(rest.id)).id).toBe(rest.id);
    expect((await h.stripe.refunds.list({ payment_intent: intentId })).data).toHaveLength(2);
    const types = await eventTypesFor([chargeId]);
    expect(types.filter((t) => t === "charge.refunded")).toHaveLength(2);
    expect(types.filter((t) => t === "refund.created")).toHaveLength(2);
    const missing = await h.stripe.refunds.create({}).catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 400 });
  });

  it("opens and decides disputes through the sandbox control", async () => {
    const price = await lifetime();
    const { session } = await buy(price.id, { country: "GB" });
    const intent = await h.stripe.paymentIntents.retrieve(
      String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent),
    );
    const chargeId = String(intent.latest_charge);
    const lost = await h.control<{ dispute: Stripe.Dispute }>(`/_sandbox/charges/${chargeId}/dispute`, {
      outcome: "lost",
    });
    expect(lost.status).toBe(200);
    expect(lost.body.dispute).toMatchObject({ status: "lost", charge: chargeId, amount: 23880 });
    expect(await h.stripe.disputes.retrieve(lost.body.dispute.id)).toMatchObject({ status: "lost" });
    expect((await h.stripe.disputes.list({ charge: chargeId })).data).toHaveLength(1);
    expect((await h.stripe.charges.retrieve(chargeId)).disputed).toBe(true);
    expect(await eventTypesFor([chargeId])).toEqual(
      expect.arrayContaining(["charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.closed"]),
    );
    const bad = await h.control(`/_sandbox/charges/${chargeId}/dispute`, { outcome: "maybe" });
    expect(bad.status).toBe(400);

    // A dispute left open blocks refunds; once won, the funds come back.
    const second = await buy(price.id, { country: "GB" });
    const pi2 = String((await h.stripe.checkout.sessions.retrieve(second.session.id)).payment_intent);
    const ch2 = String((await h.stripe.paymentIntents.retrieve(pi2)).latest_charge);
    const open = await h.control<{ dispute: Stripe.Dispute }>(`/_sandbox/charges/${ch2}/dispute`, {});
    expect(open.body.dispute.status).toBe("needs_response");
    const blocked = await h.stripe.refunds.create({ charge: ch2 }).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ statusCode: 400, code: "charge_disputed" });
    const won = await h.control<{ dispute: Stripe.Dispute }>(`/_sandbox/disputes/${open.body.dispute.id}/close`, {
      outcome: "won",
    });
    expect(won.body.dispute.status).toBe("won");
    expect(await eventTypesFor([ch2])).toContain("charge.dispute.funds_reinstated");
  });

  it("a declined card leaves the payment session open and creates no charge", async () => {
    const price = await lifetime();
    const { session, done } = await buy(price.id, { card: "4000000000000002" });
    expect(done.status).toBe(402);
    const s = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(s).toMatchObject({ status: "open", payment_intent: null });
  });
});

describe("tax on the hosted checkout and on invoices", () => {
  it("the hosted page asks for the address, shows the tax for the chosen country and charges it", async () => {
    const price = await lifetime();
    const session = await openSession(h, price.id, {
      mode: "payment",
      customer_email: "page@example.com",
      automatic_tax: { enabled: true },
      billing_address_collection: "required",
      tax_id_collection: { enabled: true },
      locale: "fr",
    });
    expect(session).toMatchObject({ automatic_tax: { enabled: true, status: "requires_location_inputs" } });
    const page = await (await fetch(String(session.url))).text();
    expect(page).toContain('id="country"');
    expect(page).toContain('id="taxId"');
    expect(page).toContain("TVA (20 %)"); // in the table the page's script swaps in when France is chosen
    const post = (fields: Record<string, string>) =>
      fetch(String(session.url), { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
    const card = { cardNumber: "4242424242424242", cardExpiry: "12 / 40", cardCvc: "123", billingName: "Zoé" };
    const noAddress = await post(card);
    expect(noAddress.status).toBe(400);
    expect(await noAddress.text()).toContain("adresse de facturation");
    const paid = await post({ ...card, country: "FR", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001" });
    expect(paid.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", amount_total: 23880, total_details: { amount_tax: 3980 } });
    const intent = await h.stripe.paymentIntents.retrieve(String(done.payment_intent), { expand: ["latest_charge"] });
    const receipt = await (await fetch(String((intent.latest_charge as Stripe.Charge).receipt_url))).text();
    expect(receipt).toContain("TVA (20 %)");
    expect(receipt).toContain("Reçu de Gatehouse");
  });

  it("a subscription Checkout with automatic tax taxes its invoices (total_taxes) by the customer's country", async () => {
    const product = await h.stripe.products.create({ name: "Pro" });
    const price = await makePlan(h.stripe, {
      product: product.id,
      amount: 1000,
      extra: { tax_behavior: "exclusive", currency_options: { usd: { unit_amount: 1100 } } },
    });
    const session = await openSession(h, price.id, {
      customer_email: "sub@example.com",
      automatic_tax: { enabled: true },
      billing_address_collection: "required",
    });
    const done = await h.control<{ subscription: string }>(`/_sandbox/checkout/sessions/${session.id}/complete`, {
      address: { country: "DE" },
    });
    expect(done.status).toBe(200);
    const sub = await h.stripe.subscriptions.retrieve(done.body.subscription, { expand: ["latest_invoice"] });
    expect(sub.automatic_tax.enabled).toBe(true);
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ subtotal: 1000, total: 1190, amount_paid: 1190 });
    expect(invoice.total_taxes?.[0]).toMatchObject({ amount: 190, tax_behavior: "exclusive", taxable_amount: 1000 });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).total_details?.amount_tax).toBe(190);

    // The same price in USD (its currency option) bills USD.
    const usd = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: "usd@example.com",
      currency: "usd",
      success_url: success,
    });
    const usdDone = await h.control<{ subscription: string }>(`/_sandbox/checkout/sessions/${usd.id}/complete`, {});
    const usdSub = await h.stripe.subscriptions.retrieve(usdDone.body.subscription, { expand: ["latest_invoice"] });
    expect(usdSub.currency).toBe("usd");
    expect((usdSub.latest_invoice as Stripe.Invoice).amount_paid).toBe(1100);
  });
});
