import { createServer } from "node:net";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { SandboxStartError } from "../postgres/index.ts";
import { startStripeStandIn } from "./index.ts";
import { checkout, makePlan, openSession, sdk, useHarness } from "./test-support.ts";

const h = useHarness();

describe("start", () => {
  it("refuses a port that is taken with a SandboxStartError", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const addr = blocker.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    await expect(startStripeStandIn({ databaseUrl: h.db.url, port })).rejects.toBeInstanceOf(SandboxStartError);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it("listens on 127.0.0.1 only, on the port it reports", () => {
    expect(h.standIn.url).toBe(`http://127.0.0.1:${h.standIn.port}`);
    expect(h.standIn.port).toBeGreaterThan(0);
  });
});

describe("catalog", () => {
  it("creates, retrieves, updates and lists products and prices with lookup keys and expand", async () => {
    const product = await h.stripe.products.create({ name: "Gatehouse Pro", metadata: { entitlement: "pro" } });
    expect(product).toMatchObject({
      object: "product",
      active: true,
      name: "Gatehouse Pro",
      metadata: { entitlement: "pro" },
    });
    const price = await h.stripe.prices.create({
      product: product.id,
      currency: "eur",
      unit_amount: 900,
      recurring: { interval: "month" },
      lookup_key: "pro_monthly",
    });
    expect(price).toMatchObject({
      object: "price",
      type: "recurring",
      unit_amount: 900,
      recurring: { interval: "month", interval_count: 1 },
    });
    expect((await h.stripe.products.retrieve(product.id)).id).toBe(product.id);
    const updated = await h.stripe.products.update(product.id, { description: "All lessons" });
    expect(updated.description).toBe("All lessons");
    const listed = await h.stripe.prices.list({ active: true, lookup_keys: ["pro_monthly"], expand: ["data.product"] });
    expect(listed.data).toHaveLength(1);
    const first = listed.data[0];
    expect(typeof first?.product === "object" && first.product.id).toBe(product.id);
    const inactive = await h.stripe.prices.update(price.id, { active: false });
    expect(inactive.active).toBe(false);
    expect((await h.stripe.prices.list({ active: true, lookup_keys: ["pro_monthly"] })).data).toHaveLength(0);
  });

  it("moves a lookup key with transfer_lookup_key and refuses a duplicate without it", async () => {
    const a = await makePlan(h.stripe);
    await h.stripe.prices.update(a.id, { lookup_key: "dup_key" });
    await expect(
      h.stripe.prices.create({
        product: String(a.product),
        currency: "eur",
        unit_amount: 1,
        recurring: { interval: "month" },
        lookup_key: "dup_key",
      }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const b = await h.stripe.prices.create({
      product: String(a.product),
      currency: "eur",
      unit_amount: 1,
      recurring: { interval: "month" },
      lookup_key: "dup_key",
      transfer_lookup_key: true,
    });
    expect((await h.stripe.prices.retrieve(a.id)).lookup_key).toBeNull();
    expect((await h.stripe.prices.list({ lookup_keys: ["dup_key"] })).data.map((p) => p.id)).toEqual([b.id]);
  });
});

describe("customers", () => {
  it("creates with metadata, updates, and lists by email", async () => {
    const c = await h.stripe.customers.create({ email: "ada@example.com", metadata: { user_id: "u-ada" } });
    expect(c).toMatchObject({ object: "customer", email: "ada@example.com", metadata: { user_id: "u-ada" } });
    const u = await h.stripe.customers.update(c.id, { name: "Ada", metadata: { plan: "x" } });
    expect(u.metadata).toEqual({ user_id: "u-ada", plan: "x" });
    const list = await h.stripe.customers.list({ email: "ada@example.com" });
    expect(list.data.map((x) => x.id)).toEqual([c.id]);
  });
});

describe("errors", () => {
  it("refuses an unknown parameter with a 400 naming it", async () => {
    const err = await h.stripe.customers
      .create({ email: "x@example.com", colour: "red" } as Stripe.CustomerCreateParams)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({
      statusCode: 400,
      code: "parameter_unknown",
      param: "colour",
      message: "Received unknown parameter: colour",
    });
  });

  it("answers 404 resource_missing for a missing customer", async () => {
    const err = await h.stripe.customers.retrieve("cus_missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: "resource_missing" });
    const err2 = await h.stripe.checkout.sessions
      .create({ mode: "subscription", customer: "cus_nope", line_items: [], success_url: "http://x/s" })
      .catch((e: unknown) => e);
    expect(err2).toMatchObject({ statusCode: 404, code: "resource_missing", param: "customer" });
  });

  it("answers 401 to a key that is not sk_test_", async () => {
    const err = await sdk(h.standIn.port, "sk_live_FAKE_not_a_test_key")
      .customers.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const raw = await fetch(`${h.standIn.url}/v1/customers`);
    expect(raw.status).toBe(401);
  });

  it("refuses an endpoint it does not implement", async () => {
    const err = await h.stripe.coupons.create({ percent_off: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404 });
    expect(String(err)).toContain("/v1/coupons");
  });

  it("answers a declined card with a 402 card_error the SDK maps to StripeCardError", async () => {
    const price = await makePlan(h.stripe);
    const session = await openSession(h, price.id);
    const res = await h.control<{ error: Stripe.StripeRawError }>(
      `/_sandbox/checkout/sessions/${session.id}/complete`,
      { card: "4000000000000002", email: "d@example.com" },
    );
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: "card_error", code: "card_declined" });
    expect(Stripe.errors.StripeError.generate({ ...res.body.error, statusCode: res.status })).toBeInstanceOf(
      Stripe.errors.StripeCardError,
    );
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });
});

describe("idempotency", () => {
  it("replays the first answer for the same key and parameters, refuses other parameters", async () => {
    const a = await h.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "key-1" });
    const b = await h.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "key-1" });
    expect(b.id).toBe(a.id);
    expect((await h.stripe.customers.list({ email: "same@example.com" })).data).toHaveLength(1);
    const err = await h.stripe.customers
      .create({ email: "other@example.com" }, { idempotencyKey: "key-1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
  });
});

describe("checkout and subscriptions", () => {
  it("creates a session whose url, success_url template and fields look like Stripe's", async () => {
    const price = await makePlan(h.stripe);
    const customer = await h.stripe.customers.create({ email: "s@example.com" });
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      client_reference_id: "u-1",
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { metadata: { user_id: "u-1" } },
      success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://127.0.0.1:5173/pricing",
      allow_promotion_codes: true,
      locale: "fr",
      metadata: { user_id: "u-1" },
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      mode: "subscription",
      customer: customer.id,
      subscription: null,
      client_reference_id: "u-1",
      locale: "fr",
      allow_promotion_codes: true,
    });
    expect(session.url).toBe(`${h.standIn.url}/checkout/${session.id}`);
    expect(session.id.startsWith("cs_test_")).toBe(true);
    const listed = await h.stripe.checkout.sessions.list({ customer: customer.id, status: "open" });
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);
    const expired = await h.stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe("expired");
    const done = await h.control(`/_sandbox/checkout/sessions/${session.id}/complete`, { card: "4242424242424242" });
    expect(done.status).toBe(400);
  });

  it("pays a session: subscription active with periods on its items, listed by customer with status=all and expand", async () => {
    const price = await makePlan(h.stripe);
    const { session, subscription } = await checkout(h, price.id);
    expect(session).toMatchObject({ status: "complete", payment_status: "paid", subscription: subscription.id });
    expect(subscription).toMatchObject({
      status: "active",
      metadata: { user_id: "user-1" },
      cancel_at_period_end: false,
    });
    const item = subscription.items.data[0];
    expect(item?.price.id).toBe(price.id);
    expect((item?.current_period_end ?? 0) - (item?.current_period_start ?? 0)).toBeGreaterThan(27 * 86400);
    const customer = String(session.customer);
    const list = await h.stripe.subscriptions.list({
      customer,
      status: "all",
      expand: ["data.items.data.price.product"],
    });
    expect(list.data).toHaveLength(1);
    const product = list.data[0]?.items.data[0]?.price.product;
    expect(typeof product === "object" && product.object).toBe("product");
  });

  it("pages through subscriptions with limit and starting_after", async () => {
    const price = await makePlan(h.stripe);
    const customer = await h.stripe.customers.create({ email: "many@example.com" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await checkout(h, price.id, { customer: customer.id })).subscription.id);
    const page1 = await h.stripe.subscriptions.list({ customer: customer.id, status: "all", limit: 2 });
    expect(page1.has_more).toBe(true);
    const page2 = await h.stripe.subscriptions.list({
      customer: customer.id,
      status: "all",
      limit: 2,
      starting_after: page1.data[1]?.id ?? "",
    });
    expect(page2.has_more).toBe(false);
    expect([...page1.data, ...page2.data].map((s) => s.id)).toEqual([...ids].reverse());
  });

  it("switches plan, sets and clears cancel_at_period_end, and cancels", async () => {
    const monthly = await makePlan(h.stripe);
    const yearly = await makePlan(h.stripe, { product: String(monthly.product), amount: 9000, interval: "year" });
    const { subscription } = await checkout(h, monthly.id);
    const itemId = subscription.items.data[0]?.id ?? "";
    const switched = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: yearly.id }],
      proration_behavior: "create_prorations",
    });
    expect(switched.items.data[0]?.price.id).toBe(yearly.id);
    const canceling = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(canceling.cancel_at_period_end).toBe(true);
    expect(canceling.cancel_at).toBe(canceling.items.data[0]?.current_period_end);
    const resumed = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    expect(resumed.cancel_at).toBeNull();
    const canceled = await h.stripe.subscriptions.cancel(subscription.id);
    expect(canceled.status).toBe("canceled");
    expect(canceled.ended_at).not.toBeNull();
    const active = await h.stripe.subscriptions.list({ customer: String(subscription.customer) });
    expect(active.data).toHaveLength(0);
  });

  it("serves events and webhook endpoints", async () => {
    const events = await h.stripe.events.list({ limit: 5 });
    expect(events.data.length).toBeGreaterThan(0);
    const one = events.data[0];
    expect(one).toMatchObject({ object: "event", api_version: "2026-10-28.endive" });
    expect((await h.stripe.events.retrieve(one?.id ?? "")).id).toBe(one?.id);
    const ep = await h.stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/none",
      enabled_events: ["customer.created"],
    });
    expect(ep.secret?.startsWith("whsec_")).toBe(true);
    const upd = await h.stripe.webhookEndpoints.update(ep.id, { disabled: true });
    expect(upd.status).toBe("disabled");
    expect(upd.secret).toBeUndefined();
    expect((await h.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toContain(ep.id);
    expect(await h.stripe.webhookEndpoints.del(ep.id)).toMatchObject({ deleted: true });
  });

  it("filters events by type (with wildcards) and created range, and refuses filters it lacks", async () => {
    const c = await h.stripe.customers.create({ email: "ev@example.com" });
    const created = (await h.stripe.events.list({ limit: 1 })).data[0]?.created ?? 0;
    const list = await h.stripe.events.list({ type: "customer.*", created: { gte: created, lte: created + 1 } });
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data.every((e) => e.type.startsWith("customer."))).toBe(true);
    expect(list.data.some((e) => e.type === "customer.created" && e.data.object.id === c.id)).toBe(true);
    const none = await h.stripe.events.list({ types: ["price.created"], created: { gt: created + 10 } });
    expect(none.data).toEqual([]);
    const err = await h.stripe.subscriptions
      .list({ created: { gte: 1 } } as Stripe.SubscriptionListParams)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "created" });
  });

  it("creates portal configurations and sessions", async () => {
    const price = await makePlan(h.stripe);
    const conf = await h.stripe.billingPortal.configurations.create({
      business_profile: { headline: "Gatehouse" },
      features: {
        subscription_cancel: { enabled: true, mode: "at_period_end" },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [{ product: String(price.product), prices: [price.id] }],
        },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
      default_return_url: "http://127.0.0.1:5173/account",
    });
    expect(conf.is_default).toBe(true);
    const list = await h.stripe.billingPortal.configurations.list({ is_default: true });
    expect(list.data.map((c) => c.id)).toContain(conf.id);
    const updated = await h.stripe.billingPortal.configurations.update(conf.id, {
      business_profile: { headline: "GH" },
    });
    expect(updated.business_profile.headline).toBe("GH");
    const customer = await h.stripe.customers.create({ email: "p@example.com" });
    const ps = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://127.0.0.1:5173/account",
      locale: "fr",
    });
    expect(ps).toMatchObject({ object: "billing_portal.session", customer: customer.id, locale: "fr" });
    expect(ps.url).toBe(`${h.standIn.url}/portal/${ps.id}`);
  });
});
