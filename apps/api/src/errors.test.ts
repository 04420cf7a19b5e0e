// Issue 12 item 4: what a 5xx tells the caller (a code, a generic message, the request id) and
// what only the log gets (the function, the upstream's words).
import { Hono } from "hono";
import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError, handleError, UpstreamError } from "./errors.ts";

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
    const { status, body } = await answer(new ApiError(400, "invalid_price", "Price price_x is not sellable"));
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "invalid_price", message: "Price price_x is not sellable", requestId: "req-1" });
  });
});
