// Everything the Stripe stand-in answers and every event it emits, across the whole billing
// lifecycle driven through the real SDK, validated against JSON Schemas generated from the installed
// stripe package's type declarations (enums closed, no unknown fields, every declared field present).
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  checkout,
  FULL_INVOICE_CREATION,
  type Harness,
  makePlan,
  paymentSession,
  startHarness,
  startReceiver,
} from "../test-support.ts";
import { ConformanceChecker, describeProblems, type RecordedBody } from "./conformance.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

const DAY = 86_400;
const recorded: RecordedBody[] = [];
let h: Harness;
let checker: ConformanceChecker;
let schemaLoadMs = 0;
let lifecycleMs = 0;

beforeAll(async () => {
  const started = performance.now();
  checker = new ConformanceChecker();
  schemaLoadMs = Math.round(performance.now() - started);
  h = await startHarness({ record: (r) => recorded.push(r) });
  const driving = performance.now();
  await driveLifecycle();
  lifecycleMs = Math.round(performance.now() - driving);
}, 240_000);
afterAll(async () => {
  await h?.stop();
});

async function advance(days: number) {
  const res = await h.control("/_sandbox/clock/advance", { seconds: days * DAY });
  expect(res.status).toBe(200);
}

/** Drives every endpoint and lifecycle transition the stand-in implements. */
async function driveLifecycle(): Promise<void> {
  const { stripe } = h;
  const receiver = await startReceiver("whsec_conformance");
  try {
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
    await stripe.webhookEndpoints.update(endpoint.id, { description: "conformance", metadata: { a: "1" } });
    await stripe.webhookEndpoints.retrieve(endpoint.id);
    await stripe.webhookEndpoints.list({ limit: 3 });

    // Catalog.
    const product = await stripe.products.create({ name: "Gatehouse Pro", metadata: { entitlement: "pro" } });
    await stripe.products.update(product.id, { description: "All lessons" });
    await stripe.products.retrieve(product.id);
    await stripe.products.list({ active: true, limit: 5 });
    const monthly = await makePlan(stripe, { product: product.id });
    const yearly = await stripe.prices.create({
      product: product.id,
      currency: "eur",
      unit_amount: 9000,
      recurring: { interval: "year" },
      lookup_key: "conformance_yearly",
    });
    await stripe.prices.create({
      product_data: { name: "Side product" },
      currency: "eur",
      unit_amount: 100,
      recurring: { interval: "month", trial_period_days: 7 },
    });
    await stripe.prices.update(yearly.id, { metadata: { tier: "yearly" } });
    await stripe.prices.retrieve(monthly.id, { expand: ["product"] });
    await stripe.prices.list({ product: product.id, expand: ["data.product"] });

    // Entitlements features.
    const feature = await stripe.entitlements.features.create({ name: "Lessons", lookup_key: "lessons" });
    await stripe.entitlements.features.update(feature.id, { metadata: { area: "content" } });
    await stripe.entitlements.features.retrieve(feature.id);
    await stripe.entitlements.features.list();
    const productFeature = await stripe.products.createFeature(product.id, { entitlement_feature: feature.id });
    await stripe.products.retrieveFeature(product.id, productFeature.id);
    await stripe.products.listFeatures(product.id);

    // Customers.
    const customer = await stripe.customers.create({ email: "ada@example.com", name: "Ada", metadata: { u: "1" } });
    await stripe.customers.update(customer.id, { name: "Ada Lovelace" });
    await stripe.customers.retrieve(customer.id);
    await stripe.customers.list({ email: "ada@example.com" });

    // Checkout: paid, with a trial, expired by the API and by time.
    const paid = await checkout(h, monthly.id, { customer: customer.id });
    await stripe.checkout.sessions.retrieve(paid.session.id, { expand: ["line_items", "subscription", "customer"] });
    await stripe.checkout.sessions.listLineItems(paid.session.id);
    await stripe.checkout.sessions.list({ customer: customer.id });
    const trial = await checkout(h, yearly.id, { email: "trial@example.com", trialDays: 14 });
    const failing = await checkout(h, monthly.id, { email: "late@example.com", card: "4000000000000341" });
    const toExpire = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: monthly.id, quantity: 1 }],
      customer_email: "gone@example.com",
      success_url: "http://127.0.0.1:5173/ok?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://127.0.0.1:5173/pricing",
      locale: "fr",
    });
    await stripe.checkout.sessions.expire(toExpire.id);
    await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: monthly.id, quantity: 2 }],
      success_url: "http://127.0.0.1:5173/ok",
    });

    // One-time payments with tax and a currency option, refunds, disputes.
    const lifetime = await stripe.prices.create({
      product: product.id,
      currency: "eur",
      unit_amount: 19900,
      tax_behavior: "inclusive",
      currency_options: { usd: { unit_amount: 21900, tax_behavior: "exclusive" } },
    });
    await stripe.prices.retrieve(lifetime.id, { expand: ["currency_options"] });
    await stripe.prices.list({ product: product.id, expand: ["data.currency_options"] });
    const purchases: string[] = [];
    for (const [currency, country] of [
      ["eur", "FR"],
      ["usd", "US"],
      ["eur", "DE"],
    ] as const) {
      const session = await paymentSession(h, lifetime.id, customer.id, {
        currency,
        payment_intent_data: { metadata: { user_id: "u1" } },
        // Post-payment invoices: with every invoice_data field the stand-in models, and without any.
        ...(country === "FR"
          ? { invoice_creation: FULL_INVOICE_CREATION }
          : country === "US"
            ? { invoice_creation: { enabled: true } }
            : {}),
        success_url: "http://127.0.0.1:5173/ok?session_id={CHECKOUT_SESSION_ID}",
      });
      await h.control(`/_sandbox/checkout/sessions/${session.id}/complete`, {
        address: { country, line1: "1 Main St", city: "Town", postal_code: "12345" },
        taxId: country === "FR" ? "FR40303265045" : undefined,
      });
      const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items", "invoice"] });
      purchases.push(String(done.payment_intent));
    }
    // The tax ID entered at Checkout, on the customer.
    await stripe.customers.retrieve(customer.id, { expand: ["tax_ids"] });
    await stripe.customers.list({ email: "ada@example.com", expand: ["data.tax_ids"] });
    const [refundedPi = "", disputedPi = "", wonPi = ""] = purchases;
    await stripe.paymentIntents.retrieve(refundedPi, { expand: ["latest_charge"] });
    await stripe.paymentIntents.list({ customer: customer.id });
    await stripe.refunds.create({ payment_intent: refundedPi, amount: 100 });
    const refund = await stripe.refunds.create({ payment_intent: refundedPi });
    await stripe.refunds.retrieve(refund.id);
    await stripe.refunds.list({ payment_intent: refundedPi });
    await stripe.charges.retrieve(String(refund.charge));
    await stripe.charges.list({ customer: customer.id });
    for (const [pi, outcome] of [
      [disputedPi, "lost"],
      [wonPi, "won"],
    ] as const) {
      const charge = String((await stripe.paymentIntents.retrieve(pi)).latest_charge);
      const { body } = await h.control<{ dispute: { id: string } }>(`/_sandbox/charges/${charge}/dispute`, { outcome });
      await stripe.disputes.retrieve(body.dispute.id);
      await stripe.disputes.list({ charge });
    }

    // Subscriptions: reads, updates, plan switch, portal.
    const sub = paid.subscription;
    await stripe.subscriptions.retrieve(sub.id, {
      expand: ["latest_invoice", "customer", "items.data.price.product"],
    });
    await stripe.subscriptions.list({ customer: customer.id, status: "all", expand: ["data.default_payment_method"] });
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false, metadata: { note: "kept" } });
    const item = sub.items.data[0];
    if (item) await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: yearly.id }] });
    const config = await stripe.billingPortal.configurations.create({
      business_profile: { headline: "Gatehouse" },
      features: {
        subscription_cancel: { enabled: true, mode: "at_period_end" },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
    });
    await stripe.billingPortal.configurations.update(config.id, { metadata: { v: "2" } });
    await stripe.billingPortal.configurations.retrieve(config.id);
    await stripe.billingPortal.configurations.list({ limit: 3 });
    await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://127.0.0.1:5173/account",
      configuration: config.id,
    });
    await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: "http://127.0.0.1:5173/account" });
    // Tax IDs through the API, and the billing address and tax IDs edited in the hosted portal.
    const taxId = await stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "DE123456789" });
    await stripe.customers.retrieveTaxId(customer.id, taxId.id);
    await stripe.customers.listTaxIds(customer.id, { limit: 5 });
    await stripe.customers.deleteTaxId(customer.id, taxId.id);
    const editing = await stripe.billingPortal.configurations.create({
      features: { customer_update: { enabled: true, allowed_updates: ["address", "tax_id"] } },
    });
    const billing = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: editing.id });
    for (const form of [
      { action: "address", country: "BE", line1: "1 Rue Neuve", city: "Bruxelles", postalCode: "1000" },
      { action: "tax_id_add", type: "gb_vat", value: "GB123456789" },
    ] as Array<Record<string, string>>)
      await fetch(billing.url, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
    await stripe.entitlements.activeEntitlements.list({ customer: customer.id });

    // Plan changes: previews, prorations, payment behaviours, pending updates applied and expired.
    const clockNow = async () => (await h.control<{ now: number }>("/_sandbox/clock")).body.now;
    const basicProduct = await stripe.products.create({ name: "Basic" });
    const basic = await makePlan(stripe, { product: basicProduct.id, amount: 500 });
    const basicYearly = await makePlan(stripe, { product: basicProduct.id, amount: 5000, interval: "year" });
    const changer = await checkout(h, basic.id, { email: "change@example.com" });
    const changerItem = changer.subscription.items.data[0];
    if (changerItem) {
      const at = await clockNow();
      const items = [{ id: changerItem.id, price: monthly.id }];
      await stripe.invoices.createPreview({
        customer: String(changer.subscription.customer),
        subscription: changer.subscription.id,
        subscription_details: { items, proration_behavior: "always_invoice", proration_date: at },
      });
      await stripe.invoices.createPreview({
        subscription: changer.subscription.id,
        subscription_details: { items: [{ id: changerItem.id, price: basicYearly.id }] },
      });
      await stripe.invoices.createPreview({ subscription: changer.subscription.id });
      await stripe.subscriptions.update(changer.subscription.id, {
        items,
        proration_behavior: "always_invoice",
        payment_behavior: "pending_if_incomplete",
        proration_date: at,
      });
      await stripe.entitlements.activeEntitlements.list({
        customer: String(changer.subscription.customer),
        expand: ["data.feature"],
      });
    }
    for (const [email, pay] of [
      ["pending-paid@example.com", true],
      ["pending-expired@example.com", false],
    ] as const) {
      const pending = await checkout(h, basic.id, { email, card: "4000000000000341" });
      const pendingItem = pending.subscription.items.data[0];
      if (!pendingItem) continue;
      const updated = await stripe.subscriptions.update(pending.subscription.id, {
        items: [{ id: pendingItem.id, price: monthly.id }],
        proration_behavior: "always_invoice",
        payment_behavior: "pending_if_incomplete",
      });
      if (pay) {
        await h.control(`/_sandbox/customers/${String(pending.subscription.customer)}/card`, {
          card: "4242424242424242",
        });
        await stripe.invoices.pay(String(updated.latest_invoice));
      }
    }

    // Subscription schedules: a switch at the period's end then released, completed with cancel,
    // released and canceled by the API.
    const scheduled = await checkout(h, yearly.id, { email: "sched@example.com" });
    const completing = await checkout(h, monthly.id, { email: "complete@example.com" });
    for (const [target, to, endBehavior] of [
      [scheduled.subscription, monthly.id, "release"],
      [completing.subscription, monthly.id, "cancel"],
    ] as const) {
      const schedule = await stripe.subscriptionSchedules.create({ from_subscription: target.id });
      const phase = schedule.phases[0];
      if (!phase) continue;
      await stripe.subscriptionSchedules.update(schedule.id, {
        end_behavior: endBehavior,
        phases: [
          {
            items: [{ price: target.items.data[0]?.price.id ?? "", quantity: 1 }],
            start_date: phase.start_date,
            end_date: phase.end_date,
          },
          { items: [{ price: to, quantity: 1 }], duration: { interval: "month", interval_count: 1 } },
        ],
      });
      await stripe.subscriptionSchedules.retrieve(schedule.id, { expand: ["subscription"] });
    }
    await stripe.subscriptionSchedules.list({ limit: 10 });
    for (const action of ["release", "cancel"] as const) {
      const other = await checkout(h, monthly.id, { email: `${action}@example.com` });
      const schedule = await stripe.subscriptionSchedules.create({ from_subscription: other.subscription.id });
      if (action === "release") await stripe.subscriptionSchedules.release(schedule.id);
      else await stripe.subscriptionSchedules.cancel(schedule.id);
    }

    // Trials without a card: canceled and paused at their end.
    for (const missing of ["cancel", "pause"] as const) {
      const session = await stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: monthly.id, quantity: 1 }],
        customer_email: `cardless-${missing}@example.com`,
        payment_method_collection: "if_required",
        subscription_data: {
          trial_period_days: 7,
          trial_settings: { end_behavior: { missing_payment_method: missing } },
        },
        success_url: "http://127.0.0.1:5173/ok",
      });
      await h.control(`/_sandbox/checkout/sessions/${session.id}/complete`, { card: null });
    }

    // Time: trial warning and end, renewals, failed renewals and their retries, cancellation, session expiry.
    await advance(40);
    await advance(400);
    await stripe.subscriptions.retrieve(trial.subscription.id);
    await stripe.subscriptions.retrieve(failing.subscription.id);
    await stripe.subscriptions.cancel(sub.id);

    // Invoices and events.
    const invoices = await stripe.invoices.list({ customer: customer.id, limit: 100 });
    const first = invoices.data[0];
    if (first) await stripe.invoices.retrieve(first.id, { expand: ["customer"] });
    await stripe.invoices.list({ subscription: failing.subscription.id, status: "open" });
    const events = await stripe.events.list({ limit: 100 });
    const evt = events.data[0];
    if (evt) await stripe.events.retrieve(evt.id);
    await stripe.events.list({ type: "invoice.*", limit: 100 });

    await stripe.products.deleteFeature(product.id, productFeature.id);
    await h.control("/_sandbox/deliveries/wait", { timeoutMs: 30_000 });
    await stripe.webhookEndpoints.del(endpoint.id);
  } finally {
    await receiver.stop();
  }
}

describe("conformance with the stripe package's types", () => {
  it("every object the stand-in answers and every event it emits over the lifecycle matches its Stripe schema", async () => {
    const driven = performance.now();
    const cpu = process.cpuUsage();
    const report = checker.checkAll(recorded);
    const checked = performance.now();
    const cpuMs = Math.round(process.cpuUsage(cpu).user / 1000);
    console.info(
      `conformance: ${report.objects} objects and ${report.events} events in ${recorded.length} bodies; ` +
        `schemas ${schemaLoadMs} ms (generated once in ${checker.schemas.generatedInMs} ms, ` +
        `${Object.keys(checker.schemas.definitions).length} definitions, ${checker.schemas.closedEnums} enums closed, ` +
        `${checker.schemas.expandables} expandable fields); ` +
        `lifecycle ${lifecycleMs} ms; validation ${Math.round(checked - driven)} ms (${cpuMs} ms CPU)\n` +
        JSON.stringify(report.byType),
    );
    expect(describeProblems(report.problems)).toBe("");
    // The run covers the lifecycle: the main objects and events were all seen.
    for (const root of [
      "object:product",
      "object:price",
      "object:customer",
      "object:checkout.session",
      "object:subscription",
      "object:invoice",
      "object:billing_portal.session",
      "object:billing_portal.configuration",
      "object:webhook_endpoint",
      "deleted:webhook_endpoint",
      "object:entitlements.feature",
      "object:product_feature",
      "event:checkout.session.completed",
      "event:checkout.session.expired",
      "event:customer.subscription.created",
      "event:customer.subscription.updated",
      "event:customer.subscription.deleted",
      "event:customer.subscription.trial_will_end",
      "event:invoice.paid",
      "event:invoice.payment_failed",
      "object:entitlements.active_entitlement",
      "deleted:product_feature",
      "object:subscription_schedule",
      "event:entitlements.active_entitlement_summary.updated",
      "event:customer.subscription.pending_update_applied",
      "event:customer.subscription.pending_update_expired",
      "event:customer.subscription.paused",
      "event:invoice.voided",
      "event:subscription_schedule.created",
      "event:subscription_schedule.updated",
      "event:subscription_schedule.released",
      "event:subscription_schedule.canceled",
      "event:subscription_schedule.completed",
      "object:payment_intent",
      "object:charge",
      "object:refund",
      "object:dispute",
      "event:charge.refunded",
      "event:charge.dispute.closed",
      "object:tax_id",
      "deleted:tax_id",
      "event:customer.tax_id.created",
      "event:customer.tax_id.deleted",
      "event:customer.updated",
      "event:invoice.created",
      "event:invoice.finalized",
      "event:invoice.payment_succeeded",
    ])
      expect(report.byType[root], root).toBeGreaterThan(0);
    // The new shapes were among them: a post-payment invoice (no subscription), a session that made
    // one, a customer with its tax IDs included.
    const bodies = recorded.map((r) => r.body.replace(/\s/g, ""));
    for (const shape of [
      '"billing_reason":"manual"',
      '"invoice_creation":{"enabled":true',
      '"tax_ids":{"object":"list"',
    ])
      expect(
        bodies.some((b) => b.includes(shape)),
        shape,
      ).toBe(true);
  });

  it("emits invoice events carrying full invoices (every declared field but expand-only ones), several KiB each", () => {
    const expandOnly = ["payments", "confirmation_secret", "deleted", "status_details", "threshold_reason"];
    const invoiceFields = checker.declaredFields("object:invoice").filter((f) => !expandOnly.includes(f));
    const lineFields = checker.declaredFields("object:line_item");
    expect(invoiceFields.length).toBeGreaterThan(60);
    const invoiceEvents = recorded
      .filter((r) => r.kind === "event" && r.source.startsWith("invoice."))
      .map((r): Stripe.Event => JSON.parse(r.body));
    expect(invoiceEvents.length).toBeGreaterThan(0);
    const sizes: number[] = [];
    for (const event of invoiceEvents) {
      const invoice = event.data.object as unknown as Record<string, unknown>;
      expect(invoiceFields.filter((f) => !(f in invoice))).toEqual([]);
      const lines = (event.data.object as Stripe.Invoice).lines.data;
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(lineFields.filter((f) => !(f in line))).toEqual([]);
      // What delivery signs and sends (pretty-printed, as Stripe sends it).
      sizes.push(JSON.stringify(event, null, 2).length);
    }
    console.info(`invoice event payloads: ${Math.min(...sizes)}–${Math.max(...sizes)} bytes`);
    expect(Math.min(...sizes)).toBeGreaterThan(5 * 1024);
  });

  describe("the schemas are strict enough to fail", () => {
    const sample = (object: string): Record<string, unknown> => {
      for (const r of recorded) {
        const parsed: unknown = JSON.parse(r.body);
        if (typeof parsed === "object" && parsed !== null && "object" in parsed && parsed.object === object)
          return structuredClone(parsed as Record<string, unknown>);
      }
      throw new Error(`no ${object} recorded`);
    };

    it("refuses a value outside a closed enum (the old ui_mode 'hosted', an unknown status)", () => {
      const session = { ...sample("checkout.session"), ui_mode: "hosted" };
      expect(checker.check(session, "test").map((p) => p.where)).toContain("object:checkout.session /ui_mode");
      const sub = { ...sample("subscription"), status: "paused_forever" };
      expect(checker.check(sub, "test").length).toBeGreaterThan(0);
      expect(checker.check(sample("subscription"), "test")).toEqual([]);
    });

    it("refuses a missing declared field and an undeclared one", () => {
      const invoice = sample("invoice");
      delete invoice.total_excluding_tax;
      expect(describeProblems(checker.check(invoice, "test"))).toContain("total_excluding_tax");
      const product = { ...sample("product"), colour: "red" };
      expect(describeProblems(checker.check(product, "test"))).toContain("colour");
    });

    it("refuses an event whose data.object is not the event's type of object", () => {
      const event = recorded
        .filter((r) => r.kind === "event")
        .map((r): Stripe.Event => JSON.parse(r.body))
        .find((e) => e.type === "invoice.paid");
      expect(event).toBeDefined();
      const wrong = { ...event, data: { object: sample("customer") } };
      expect(checker.check(wrong, "test").length).toBeGreaterThan(0);
    });
  });
});
