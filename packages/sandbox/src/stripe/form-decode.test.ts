import { afterEach, describe, expect, it } from "vitest";
import { StripeApiError } from "./errors.ts";
import { decodeForm, FORM_LIMITS } from "./form-decode.ts";
import { Params } from "./params.ts";

function refusal(input: string): StripeApiError {
  try {
    decodeForm(input);
  } catch (e) {
    if (e instanceof StripeApiError) return e;
    throw e;
  }
  throw new Error(`decodeForm accepted ${input}`);
}

describe("decodeForm", () => {
  it.each([
    ["a=1&b=two", { a: "1", b: "two" }],
    ["metadata[user_id]=u1&metadata[plan]=", { metadata: { user_id: "u1", plan: "" } }],
    [
      "line_items[0][price]=price_1&line_items[0][quantity]=1&line_items[1][price]=price_2",
      { line_items: [{ price: "price_1", quantity: "1" }, { price: "price_2" }] },
    ],
    ["expand[0]=data.product&expand[1]=data.customer", { expand: ["data.product", "data.customer"] }],
    ["expand[]=a&expand[]=b", { expand: ["a", "b"] }],
    ["expand[0]=", { expand: [""] }],
    ["metadata=", { metadata: "" }],
    ["flag", { flag: "" }],
    ["subscription_data[metadata][user_id]=u%201", { subscription_data: { metadata: { user_id: "u 1" } } }],
    ["metadata%5Buser_id%5D=u1", { metadata: { user_id: "u1" } }],
    [
      "success_url=http%3A%2F%2Fx%2Fs%3Fid%3D%7BCHECKOUT_SESSION_ID%7D",
      { success_url: "http://x/s?id={CHECKOUT_SESSION_ID}" },
    ],
    ["q=a+b", { q: "a b" }],
    ["name=%C3%89lodie", { name: "Élodie" }],
    ["", {}],
  ])("decodes %s", (input, expected) => {
    expect(decodeForm(input)).toEqual(expected);
  });
});

describe("decodeForm against hostile input", () => {
  afterEach(() => {
    // Whatever a test did, no object anywhere may have gained a property.
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  });

  it.each([
    "__proto__[polluted]=yes",
    "metadata[__proto__][polluted]=yes",
    "a[__proto__][polluted]=yes",
    "__proto__=x",
  ])("refuses %s as an unknown parameter and pollutes nothing", (input) => {
    const err = refusal(input);
    expect(err.status).toBe(400);
    expect(err.toJSON().error).toMatchObject({ type: "invalid_request_error", code: "parameter_unknown" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads constructor and prototype keys as plain keys that validation refuses by name", () => {
    const raw = decodeForm("constructor[prototype][polluted]=yes&toString=1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(raw, "constructor")).toBe(true);
    expect(() => new Params(raw, { name: "s" })).toThrow("Received unknown parameter: constructor");
    expect(() => new Params(decodeForm("toString=1"), { name: "s" })).toThrow("Received unknown parameter: toString");
  });

  it.each([
    ["a malformed % escape in a value", "email=100%"],
    ["a malformed % escape in a key", "meta%ZZdata=1"],
    ["a truncated UTF-8 sequence", "name=%C3"],
  ])("answers 400 invalid_request_error to %s, not a crash", (_what, input) => {
    const err = refusal(input);
    expect(err.status).toBe(400);
    expect(err.toJSON().error.type).toBe("invalid_request_error");
    expect(err.message).toContain("could not be decoded");
  });

  it("refuses nesting deeper than its depth limit instead of keeping a literal key", () => {
    const deep = `a${"[b]".repeat(FORM_LIMITS.depth + 1)}=1`;
    expect(refusal(deep).status).toBe(400);
    expect(decodeForm(`a${"[b]".repeat(FORM_LIMITS.depth)}=1`)).toBeTruthy();
  });

  it("refuses a list index past its array limit instead of turning the list into an object", () => {
    expect(refusal(`expand[${FORM_LIMITS.arrayLimit}]=x`).status).toBe(400);
    expect(refusal(Array.from({ length: FORM_LIMITS.arrayLimit + 1 }, () => "expand[]=x").join("&")).status).toBe(400);
  });

  it("refuses more pairs than its parameter limit instead of dropping the rest", () => {
    const many = Array.from({ length: FORM_LIMITS.parameterLimit + 1 }, (_, i) => `k${i}=v`).join("&");
    expect(refusal(many).status).toBe(400);
  });
});
