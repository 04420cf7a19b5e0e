import { describe, expect, it } from "vitest";
import { decodeForm } from "./form-decode.ts";

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
    ["subscription_data[metadata][user_id]=u%201", { subscription_data: { metadata: { user_id: "u 1" } } }],
    [
      "success_url=http%3A%2F%2Fx%2Fs%3Fid%3D%7BCHECKOUT_SESSION_ID%7D",
      { success_url: "http://x/s?id={CHECKOUT_SESSION_ID}" },
    ],
    ["q=a+b", { q: "a b" }],
    ["", {}],
  ])("decodes %s", (input, expected) => {
    expect(decodeForm(input)).toEqual(expected);
  });
});
