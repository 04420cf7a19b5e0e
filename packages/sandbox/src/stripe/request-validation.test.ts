// How the stand-in reads and refuses requests, through the real stripe SDK (and raw HTTP where the
// SDK cannot send the input): form decoding limits, enums, integers, metadata limits, unknown URLs.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { SANDBOX_STRIPE_SECRET_KEY } from "../keys.ts";
import { makePlan, useHarness } from "./test-support.ts";

const h = useHarness();

async function raw(method: string, path: string, body?: string) {
  const res = await fetch(`${h.standIn.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SANDBOX_STRIPE_SECRET_KEY}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    ...(body === undefined ? {} : { body }),
  });
  // Test helper: Stripe's error shape, checked field by field by the callers.
  return { status: res.status, body: (await res.json()) as { error?: Stripe.StripeRawError; id?: string } };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  return err;
}

const sessionParams = (price: string): Stripe.Checkout.SessionCreateParams => ({
  mode: "subscription",
  line_items: [{ price, quantity: 1 }],
  success_url: "http://127.0.0.1:5173/ok?session_id={CHECKOUT_SESSION_ID}",
});

describe("form decoding", () => {
  it("answers 400 in Stripe's shape to a malformed % in a body or a query string, never 500", async () => {
    const body = await raw("POST", "/v1/customers", "email=a%ZZ@example.com");
    expect(body.status).toBe(400);
    expect(body.body.error).toMatchObject({ type: "invalid_request_error" });
    expect(body.body.error?.message).toContain("could not be decoded");
    const query = await raw("GET", "/v1/customers?email=%E0%A4%A");
    expect(query.status).toBe(400);
    expect(query.body.error?.type).toBe("invalid_request_error");
    const path = await raw("GET", "/v1/customers/cus_%ZZ");
    expect(path.status).toBe(400);
    expect(path.body.error?.type).toBe("invalid_request_error");
  });

  it("refuses __proto__ keys by name and leaves every object's prototype untouched", async () => {
    const res = await raw("POST", "/v1/customers", "email=p%40example.com&__proto__[polluted]=yes");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "parameter_unknown", param: "__proto__[polluted]" });
    const viaSdk = await refusal(
      h.stripe.customers.create({ email: "p@example.com", metadata: JSON.parse('{"__proto__":{"polluted":"yes"}}') }),
    );
    expect(viaSdk).toMatchObject({ statusCode: 400, code: "parameter_unknown" });
    const ctor = await raw("POST", "/v1/customers", "constructor[prototype][polluted]=yes");
    expect(ctor.status).toBe(400);
    expect(ctor.body.error).toMatchObject({ code: "parameter_unknown", param: "constructor" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps Stripe's semantics: an empty value unsets, bracket keys nest, expand[0]= lists", async () => {
    const c = await h.stripe.customers.create({ email: "s@example.com", metadata: { a: "1", b: "2" } });
    const cleared = await h.stripe.customers.update(c.id, { metadata: { a: "" }, name: "" });
    expect(cleared.metadata).toEqual({ b: "2" });
    expect(cleared.name).toBeNull();
    const price = await makePlan(h.stripe);
    const list = await raw("GET", `/v1/prices?expand[0]=data.product&lookup_keys[]=none&product=${price.product}`);
    expect(list.status).toBe(200);
  });

  it("answers 413 in Stripe's shape to a body over 1 MiB, not a reset connection or a 500", async () => {
    const res = await raw("POST", "/v1/customers", `description=${"x".repeat(1024 * 1024 + 1)}`);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error" });
    expect(res.body.error?.message).toContain("Request body too large");
  });

  it("refuses nesting deeper than Stripe's parameters go", async () => {
    const res = await raw("POST", "/v1/customers", `metadata${"[a]".repeat(12)}=1`);
    expect(res.status).toBe(400);
    expect(res.body.error?.type).toBe("invalid_request_error");
  });
});

describe("parameter validation", () => {
  it("answers parameter_invalid_integer to a quantity that is not an integer, naming the nested param", async () => {
    const price = await makePlan(h.stripe);
    const res = await raw(
      "POST",
      "/v1/checkout/sessions",
      `mode=subscription&success_url=http%3A%2F%2Fx%2Fs&line_items[0][price]=${price.id}&line_items[0][quantity]=two`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: "invalid_request_error",
      code: "parameter_invalid_integer",
      param: "line_items[0][quantity]",
      message: "Invalid integer: two",
    });
    const viaSdk = await refusal(
      h.stripe.prices.create({ product: String(price.product), currency: "eur", unit_amount: 1.5 }),
    );
    expect(viaSdk).toMatchObject({ code: "parameter_invalid_integer", param: "unit_amount" });
  });

  it("creates hosted_page sessions and refuses ui_mode values the pinned API version lacks", async () => {
    const price = await makePlan(h.stripe);
    const session = await h.stripe.checkout.sessions.create(sessionParams(price.id));
    expect(session.ui_mode).toBe("hosted_page");
    const explicit = await h.stripe.checkout.sessions.create({ ...sessionParams(price.id), ui_mode: "hosted_page" });
    expect(explicit.ui_mode).toBe("hosted_page");
    const old = await refusal(h.stripe.checkout.sessions.create({ ...sessionParams(price.id), ui_mode: "hosted" }));
    expect(old).toMatchObject({
      statusCode: 400,
      param: "ui_mode",
      message: "Invalid ui_mode: must be one of elements, embedded_page, form, or hosted_page",
    });
    const embedded = await refusal(
      h.stripe.checkout.sessions.create({ ...sessionParams(price.id), ui_mode: "embedded_page" }),
    );
    expect(embedded).toMatchObject({ statusCode: 400, param: "ui_mode" });
  });

  it("enforces Stripe's metadata limits (50 keys, keys up to 40, values up to 500 characters)", async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    const ok = await h.stripe.customers.create({
      metadata: { ...fifty, k0: "x".repeat(500) },
    });
    expect(Object.keys(ok.metadata)).toHaveLength(50);
    const tooMany = await refusal(h.stripe.customers.create({ metadata: { ...fifty, k50: "v" } }));
    expect(tooMany).toMatchObject({
      statusCode: 400,
      param: "metadata",
      message:
        "Metadata can have up to 50 keys, but you've set 51. Email us at support+metadata@stripe.com for more information.",
    });
    const oneMore = await refusal(h.stripe.customers.update(ok.id, { metadata: { extra: "v" } }));
    expect(oneMore).toMatchObject({ statusCode: 400, param: "metadata" });
    const longKey = await refusal(h.stripe.products.create({ name: "P", metadata: { ["k".repeat(41)]: "v" } }));
    expect(longKey).toMatchObject({
      statusCode: 400,
      param: "metadata",
      message: `Invalid key: ${"k".repeat(41)} must be a string under 40 characters`,
    });
    const longValue = await refusal(
      h.stripe.checkout.sessions.create({
        ...sessionParams((await makePlan(h.stripe)).id),
        subscription_data: { metadata: { user_id: "u".repeat(501) } },
      }),
    );
    expect(longValue).toMatchObject({ statusCode: 400, param: "subscription_data[metadata]" });
    expect(String(longValue)).toContain("must be a string under 500 characters");
  });
});

describe("unrecognized URLs", () => {
  it("answers 404 invalid_request_error naming the method and path, as Stripe does", async () => {
    const res = await raw("GET", "/v1/foo");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error" });
    expect(res.body.error?.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/foo\)\. /);
    const viaSdk = await refusal(h.stripe.coupons.create({ percent_off: 10 }));
    expect(viaSdk).toMatchObject({ statusCode: 404 });
    expect(String(viaSdk)).toContain("Unrecognized request URL (POST: /v1/coupons)");
    const wrongMethod = await raw("DELETE", "/v1/checkout/sessions");
    expect(wrongMethod.status).toBe(404);
  });
});
