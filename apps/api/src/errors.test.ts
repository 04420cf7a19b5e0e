// Issue 12 item 4: what a 5xx tells the caller (a code, a generic message, the request id) and
// what only the log gets (the function, the upstream's words).

import { API_ERROR_CODES, type ApiErrorCode } from "@gatehouse/types";
import { Hono } from "hono";
import { afterEach, describe, expect, test, vi } from "vitest";
import { API_ERROR_STATUS, ApiError, handleError, statusOf, UpstreamError } from "./errors.ts";

function appThrowing(err: unknown) {
  return new Hono<{ Variables: { requestId: string } }>()
    .use(async (c, next) => {
      c.set("requestId", "req-1");
      await next();
    })
    .get("/", () => {
      throw err;
    })
    .onError(handleError);
}

async function answer(err: unknown) {
  const res = await appThrowing(err).request("/");
  return {
    status: res.status,
    body: (await res.json()) as { error: { code: string; message: string; requestId: string } },
  };
}

afterEach(() => vi.restoreAllMocks());

describe("handleError", () => {
  test.each([
    [
      "a Stripe outage",
      new UpstreamError(
        "stripe",
        "customers.create: An error occurred with our connection to Stripe. Request was retried 1 times.",
      ),
      ["customers.create", "connection to Stripe", "stripe"],
    ],
    [
      "a database outage",
      new UpstreamError("supabase", "checkout_context: connection refused"),
      ["checkout_context", "connection refused", "supabase"],
    ],
    [
      "a bug",
      new TypeError("Cannot read properties of undefined (reading 'id') at startCheckout"),
      ["TypeError", "startCheckout", "undefined"],
    ],
  ])("%s: the caller gets a code and the request id, the log gets the details", async (_label, err, secrets) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { status, body } = await answer(err);
    expect(status).toBeGreaterThanOrEqual(500);
    expect(body.error.requestId).toBe("req-1");
    expect(["upstream_unavailable", "internal_error"]).toContain(body.error.code);
    for (const s of secrets) expect(body.error.message.toLowerCase()).not.toContain(s.toLowerCase());
    const logged = log.mock.calls.map((c) => String(c[0])).join("\n");
    expect(logged).toContain("req-1");
    expect(logged).toContain(secrets[0]);
  });

  test("a 4xx keeps its message: it says what to fix", async () => {
    const { status, body } = await answer(new ApiError("invalid_price", "Price price_x is not sellable"));
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "invalid_price", message: "Price price_x is not sellable", requestId: "req-1" });
  });
});

describe("API_ERROR_STATUS, the one map from code to status", () => {
  const entries = Object.entries(API_ERROR_STATUS) as Array<[ApiErrorCode, number]>;

  test("holds every code of the contract, and only those", () => {
    expect(Object.keys(API_ERROR_STATUS).sort()).toEqual([...API_ERROR_CODES].sort());
  });

  test.each(entries)("%s is answered with %i, in the error shape", async (code, status) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await appThrowing(new ApiError(code, `what to fix about ${code}`)).request("/");
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toBe("req-1");
    // A 4xx says what to fix; a 5xx only that it is ours (the details are in the log).
    if (status < 500) expect(body.error.message).toBe(`what to fix about ${code}`);
    else expect(body.error.message).not.toContain(code);
    expect(res.headers.get("retry-after")).toBe(status === 503 ? "5" : null);
  });

  test("an upstream outage is 503, wherever it is thrown", () => {
    expect(new UpstreamError("stripe", "x").status).toBe(503);
    expect(statusOf("upstream_unavailable")).toBe(503);
  });

  test("a 4xx code is a client error and a 5xx code is ours", () => {
    for (const [code, status] of entries) {
      const ours = ["internal_error", "bad_environment", "upstream_unavailable"].includes(code);
      expect(status >= 500, code).toBe(ours);
      expect(status >= 400 && status < 600, code).toBe(true);
    }
  });
});
