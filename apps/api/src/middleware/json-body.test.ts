// The validator's answers: what a route reads from a body or a query, and the 400 it sends
// otherwise (the API's error shape, never the validator's default body).
import { checkoutBodySchema, customersQuerySchema, portalBodySchema } from "@gatehouse/types";
import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { handleError } from "../errors.ts";
import { jsonBody, queryOf } from "./json-body.ts";

const app = new Hono()
  .post("/portal", jsonBody(portalBodySchema), (c) => c.json({ read: c.req.valid("json") }))
  .post("/checkout", jsonBody(checkoutBodySchema), (c) => c.json({ read: c.req.valid("json") }))
  .get("/customers", queryOf(customersQuerySchema), (c) => c.json({ read: c.req.valid("query") }))
  .onError(handleError);

async function post(path: string, body: string | undefined, contentType?: string) {
  const res = await app.request(path, {
    method: "POST",
    ...(body !== undefined ? { body } : {}),
    headers: contentType ? { "content-type": contentType } : {},
  });
  return {
    status: res.status,
    body: (await res.json()) as { read?: unknown; error?: { code: string; message: string } },
  };
}

describe("jsonBody", () => {
  test.each([
    ["no body, no type", undefined, undefined],
    ["an empty body labelled JSON", "", "application/json"],
    ["a blank body labelled JSON", "  \n", "application/json; charset=utf-8"],
    ["an empty body of another type", "", "text/plain"],
  ])("%s counts as {}", async (_label, body, type) => {
    expect(await post("/portal", body, type)).toEqual({ status: 200, body: { read: {} } });
  });

  test("a JSON body is read and validated", async () => {
    const res = await post("/checkout", JSON.stringify({ priceId: "price_1", locale: "fr" }), "application/json");
    expect(res).toEqual({ status: 200, body: { read: { priceId: "price_1", locale: "fr" } } });
  });

  test.each([
    ["JSON sent as text/plain", JSON.stringify({ locale: "fr" }), "text/plain", "Content-Type: application/json"],
    ["a form", "locale=fr", "application/x-www-form-urlencoded", "Content-Type: application/json"],
    ["JSON without a type", JSON.stringify({ locale: "fr" }), undefined, "Content-Type: application/json"],
    ["malformed JSON", "{nope", "application/json", "not valid JSON"],
  ])("%s is 400 invalid_json, saying what to send", async (_label, body, type, says) => {
    const res = await post("/portal", body, type);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_json");
    expect(res.body.error?.message).toContain(says);
  });

  test.each([
    [{}, "priceId: priceId is required"],
    [{ priceId: "price_1", extra: true, more: 1 }, "unknown field(s): extra, more"],
    [{ priceId: "price_1", locale: "de" }, 'locale: locale must be "en" or "fr"'],
    [{ priceId: "price_1", quantity: 2 }, "quantity: quantity must be 1"],
  ])("the body %j is 400 invalid_body: %s", async (json, says) => {
    const res = await post("/checkout", JSON.stringify(json), "application/json");
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_body");
    expect(res.body.error?.message).toContain(says);
    expect(res.body).not.toHaveProperty("success");
  });
});

describe("queryOf", () => {
  test("reads the filters", async () => {
    const res = await app.request("/customers?q=ann&status=active&limit=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ read: { q: "ann", status: "active", limit: "5" } });
  });

  test("a filter given twice is 400 invalid_query naming it", async () => {
    const res = await app.request("/customers?q=a&q=b");
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("invalid_query");
    expect(error.message).toContain("q:");
  });
});
