import { describe, expect, it, vi } from "vitest";
import { apiCall, isErrorBody, urlOf } from "./api-client.ts";
import { ApiError } from "./api-error.ts";

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

const answering = (status: number, body: unknown) => vi.fn<typeof fetch>(async () => jsonResponse(status, body));

describe("apiCall", () => {
  it("sends the JSON body with the bearer token and returns the answer", async () => {
    const fetchImpl = answering(200, { url: "https://pay.example/cs_1", id: "cs_1" });
    const result = await apiCall({
      method: "POST",
      path: "/api/checkout",
      body: { priceId: "price_1", locale: "fr" },
      accessToken: "jwt-1",
      fetchImpl,
      baseUrl: "http://api.test",
    });
    expect(result).toEqual({ url: "https://pay.example/cs_1", id: "cs_1" });
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(url).toBe("http://api.test/api/checkout");
    expect(init?.method).toBe("POST");
    const headers = new Headers(init?.headers);
    expect(headers.get("authorization")).toBe("Bearer jwt-1");
    expect(headers.get("content-type")).toBe("application/json");
    expect(init?.body).toBe(JSON.stringify({ priceId: "price_1", locale: "fr" }));
  });

  it("fills the path's parameters and the query; a GET sends no body", async () => {
    const fetchImpl = answering(200, { items: [], nextCursor: null });
    await apiCall({
      method: "GET",
      path: "/api/admin/customers",
      query: { q: "ann lee", status: "", cursor: undefined },
      accessToken: "t",
      fetchImpl,
      baseUrl: "",
    });
    await apiCall({
      method: "POST",
      path: "/api/admin/customers/:userId/resync",
      params: { userId: "a/b?c" },
      accessToken: "t",
      fetchImpl,
      baseUrl: "",
    });
    const [first, second] = fetchImpl.mock.calls;
    expect(first?.[0]).toBe("/api/admin/customers?q=ann+lee");
    expect(first?.[1]?.body).toBeUndefined();
    expect(new Headers(first?.[1]?.headers).get("content-type")).toBeNull();
    expect(second?.[0]).toBe("/api/admin/customers/a%2Fb%3Fc/resync");
    expect(second?.[1]?.body).toBe("{}");
  });

  it("turns the API error shape into an ApiError with code and request id", async () => {
    const fetchImpl = answering(409, { error: { code: "already_subscribed", message: "nope", requestId: "req_9" } });
    const error = await apiCall({
      method: "POST",
      path: "/api/checkout",
      body: { priceId: "price_1" },
      accessToken: "t",
      fetchImpl,
      baseUrl: "",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "already_subscribed", status: 409, requestId: "req_9", message: "nope" });
  });

  it.each([
    ["another error shape", { message: "Bad Gateway" }],
    ["a code that is not text", { error: { code: 42 } }],
    ["not JSON", null],
  ])("an error answer in %s is http_<status>", async (_label, body) => {
    const fetchImpl = vi.fn<typeof fetch>(async () =>
      body === null ? new Response("<html>", { status: 502 }) : jsonResponse(502, body),
    );
    await expect(
      apiCall({ method: "GET", path: "/api/me", accessToken: "t", fetchImpl, baseUrl: "" }),
    ).rejects.toMatchObject({ code: "http_502", status: 502 });
  });

  it("reports an unreachable API as network_error", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(
      apiCall({ method: "POST", path: "/api/billing/portal", body: {}, accessToken: null, fetchImpl, baseUrl: "" }),
    ).rejects.toMatchObject({ code: "network_error" });
  });

  it("rejects a 200 that is not a JSON object", async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => new Response("ok", { status: 200 }));
    await expect(
      apiCall({ method: "GET", path: "/api/me", accessToken: "t", fetchImpl, baseUrl: "" }),
    ).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("urlOf and isErrorBody", () => {
  it("leaves a path without parameters or query as it is", () => {
    expect(urlOf("/api/me")).toBe("/api/me");
  });

  it.each([
    [{ error: { code: "x" } }, true],
    [{ error: { code: "x", message: "m", requestId: "r" } }, true],
    [{ error: { code: "x", message: 1 } }, false],
    [{ error: "x" }, false],
    [null, false],
  ])("%j is the error shape: %s", (value, expected) => {
    expect(isErrorBody(value)).toBe(expected);
  });
});
