import { describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { apiPost } from "./api-client.ts";
import { ApiError } from "./api-error.ts";

const urlSchema = z.object({ url: z.string() });

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("apiPost", () => {
  it("sends the JSON body with the bearer token and returns the parsed answer", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => jsonResponse(200, { url: "https://pay.example/cs_1" }));
    const result = await apiPost({
      path: "/api/checkout",
      body: { priceId: "price_1", locale: "fr" },
      accessToken: "jwt-1",
      schema: urlSchema,
      fetchImpl,
      baseUrl: "http://api.test",
    });
    expect(result).toEqual({ url: "https://pay.example/cs_1" });
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(url).toBe("http://api.test/api/checkout");
    expect(init?.method).toBe("POST");
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer jwt-1");
    expect(init?.body).toBe(JSON.stringify({ priceId: "price_1", locale: "fr" }));
  });

  it("turns the API error shape into an ApiError with code and request id", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () =>
      jsonResponse(409, { error: { code: "already_subscribed", message: "nope", requestId: "req_9" } }),
    );
    const error = await apiPost({ path: "/api/checkout", accessToken: "t", schema: urlSchema, fetchImpl, baseUrl: "" })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "already_subscribed", status: 409, requestId: "req_9" });
  });

  it("reports an unreachable API as network_error", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(
      apiPost({ path: "/api/billing/portal", accessToken: null, schema: urlSchema, fetchImpl, baseUrl: "" }),
    ).rejects.toMatchObject({ code: "network_error" });
  });

  it("rejects a 200 whose body does not match the schema", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => jsonResponse(200, { nope: true }));
    await expect(
      apiPost({ path: "/api/checkout", accessToken: "t", schema: urlSchema, fetchImpl, baseUrl: "" }),
    ).rejects.toMatchObject({ code: "invalid_response" });
  });
});
