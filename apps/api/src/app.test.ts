// The routes through `app.request()` in Node, as hono's own tests do: what the API answers before
// it needs Stripe or Supabase. Nothing listens behind the configured URLs (testBindings), so a
// route that reached out would answer 503 and fail these tests. The paths that reach the stand-ins
// are the workerd integration tests in test/.
import { SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { app } from "./app.ts";
import { testBindings } from "./testing/fake-services.ts";

const APP_URL = testBindings.APP_URL;

function api(path: string, init: RequestInit = {}, bindings: object = testBindings): Promise<Response> {
  return Promise.resolve(app.request(path, init, { ...bindings }));
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; requestId: string } }).error;
}

/** A signed-in user's access token, signed with the project's legacy HS256 secret. */
function token(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({
    iss: `${testBindings.SUPABASE_URL}/auth/v1`,
    sub: crypto.randomUUID(),
    role: "authenticated",
    aud: "authenticated",
    ...claims,
  })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(testBindings.SUPABASE_JWT_SECRET));
}

describe("GET /api/health", () => {
  test("answers ok", async () => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  test("carries a request id", async () => {
    const res = await api("/api/health");
    expect(res.headers.get("x-request-id")).toMatch(/.{8,}/);
  });
});

describe("errors", () => {
  test("an unknown route is a 404 in the error shape", async () => {
    const res = await api("/api/nope");
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe("not_found");
    expect(error.requestId).toBe(res.headers.get("x-request-id"));
  });

  test("a body over the limit is a 413", async () => {
    const res = await api("/api/checkout", {
      method: "POST",
      body: "x".repeat(64 * 1024),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  test("a misconfigured worker answers 500 bad_environment without showing the configuration to callers", async () => {
    const res = await api(
      "/api/health",
      {},
      { ...testBindings, STRIPE_WEBHOOK_SECRET: "nope-secret-value", APP_URL: "ftp://internal.example" },
    );
    expect(res.status).toBe(500);
    const error = await errorOf(res);
    expect(error.code).toBe("bad_environment");
    expect(error.requestId).toBe(res.headers.get("x-request-id"));
    for (const leak of ["STRIPE_WEBHOOK_SECRET", "nope-secret-value", "APP_URL", "internal.example", "whsec_"]) {
      expect(error.message).not.toContain(leak);
    }
    expect(error.message).not.toMatch(/\bat .+:\d+:\d+/);
  });

  test("a 5xx names no internal function or upstream message, only a code and the request id", async () => {
    // Nothing listens at the configured Supabase URL: checkout_context cannot be called.
    const res = await api("/api/checkout", {
      method: "POST",
      headers: { authorization: `Bearer ${await token()}`, "content-type": "application/json" },
      body: JSON.stringify({ priceId: "price_1" }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const error = await errorOf(res);
    expect(error.code).toBe("upstream_unavailable");
    expect(error.requestId).toBe(res.headers.get("x-request-id"));
    for (const leak of ["checkout_context", "supabase", "fetch failed", "127.0.0.1", "ECONNREFUSED"]) {
      expect(error.message.toLowerCase()).not.toContain(leak.toLowerCase());
    }
  });

  test("the request id is the API's own, never the caller's X-Request-Id", async () => {
    const res = await api("/api/nope", { headers: { "x-request-id": "forged-id-00000000" } });
    const id = res.headers.get("x-request-id");
    expect(id).not.toBe("forged-id-00000000");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await errorOf(res)).requestId).toBe(id);
  });
});

describe("CORS", () => {
  test("allows the app's origin", async () => {
    const res = await api("/api/checkout", {
      method: "OPTIONS",
      headers: {
        origin: APP_URL,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_URL);
  });

  test("does not allow another origin", async () => {
    const res = await api("/api/me", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
  });
});

describe("authentication, before any upstream call", () => {
  test.each([
    ["no Authorization header", undefined],
    ["a malformed token", "Bearer not-a-jwt"],
    ["a Basic credential", "Basic dXNlcjpwYXNz"],
  ])("%s is 401 unauthenticated", async (_label, authorization) => {
    const res = await api("/api/me", authorization ? { headers: { authorization } } : {});
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("unauthenticated");
  });

  test("a token signed with another secret is 401", async () => {
    const forged = await new SignJWT({ sub: crypto.randomUUID(), role: "authenticated", aud: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-of-at-least-32-characters"));
    expect((await api("/api/me", { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  test.each([
    ["the anon role", { role: "anon" }],
    ["a subject that is not a user id", { sub: "service" }],
  ])("a token with %s is 401", async (_label, claims) => {
    const res = await api("/api/me", { headers: { authorization: `Bearer ${await token(claims)}` } });
    expect(res.status).toBe(401);
  });

  test("an expired token is 401 and says to sign in again", async () => {
    const expired = await new SignJWT({ sub: crypto.randomUUID(), role: "authenticated", aud: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(testBindings.SUPABASE_JWT_SECRET));
    const res = await api("/api/me", { headers: { authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toContain("sign in again");
  });
});

describe("request bodies, validated before any upstream call", () => {
  const post = async (path: string, body: string) =>
    api(path, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${await token()}`, "content-type": "application/json" },
    });

  test.each(["/api/checkout", "/api/billing/portal", "/api/billing/sync"])(
    "%s refuses malformed JSON",
    async (path) => {
      const res = await post(path, "{nope");
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_json");
    },
  );

  test.each([
    ["/api/checkout", {}, "priceId"],
    ["/api/checkout", { priceId: 42 }, "priceId"],
    ["/api/checkout", { priceId: "price_1", locale: "de" }, "locale"],
    ["/api/checkout", { priceId: "price_1", extra: true }, "extra"],
    ["/api/billing/sync", { sessionId: "../etc" }, "sessionId"],
  ])("%s refuses the body %j, naming %s", async (path, json, field) => {
    const res = await post(path, JSON.stringify(json));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_body");
    expect(error.message).toContain(field);
  });
});
