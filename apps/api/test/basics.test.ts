import { describe, expect, test } from "vitest";
import { APP_URL, api } from "./helpers.ts";

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
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  test("a body over the limit is a 413", async () => {
    const res = await api("/api/checkout", {
      method: "POST",
      body: "x".repeat(64 * 1024),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
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
