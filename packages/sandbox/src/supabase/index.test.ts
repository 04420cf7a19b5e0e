import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY } from "../keys.ts";
import { SandboxStartError } from "../postgres/start-postgres.ts";
import { startSupabaseStandIn } from "./index.ts";
import { useTestStandIn } from "./test-stand-in.ts";

const sb = useTestStandIn();

describe("startSupabaseStandIn", () => {
  test("listens on 127.0.0.1 at the port it reports", () => {
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.url).not.toMatch(/:0$/);
  });

  test("refuses a port already in use with one SandboxStartError line naming the port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const start = startSupabaseStandIn({ databaseUrl: sb.db.url, port });
      await expect(start).rejects.toBeInstanceOf(SandboxStartError);
      await expect(start).rejects.toThrow(
        new RegExp(`^port ${port} \\(Supabase stand-in\\) is already in use[^\\n]*$`),
      );
    } finally {
      blocker.close();
    }
  });

  test("applies its SQL idempotently: a second instance on the same database starts and stops", async () => {
    const second = await startSupabaseStandIn({ databaseUrl: sb.db.url, port: 0 });
    const res = await fetch(`${second.url}/auth/v1/.well-known/jwks.json`);
    const first = await fetch(`${sb.url}/auth/v1/.well-known/jwks.json`);
    expect(await res.json()).toEqual(await first.json());
    await second.stop();
  });
});

describe("HTTP surface", () => {
  test("answers CORS preflights from the SPA's origin with the headers supabase-js sends", async () => {
    const res = await fetch(`${sb.url}/rest/v1/products`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "apikey, authorization, x-client-info, accept-profile, prefer",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const allowed = res.headers.get("access-control-allow-headers") ?? "";
    for (const h of [
      "apikey",
      "authorization",
      "x-client-info",
      "x-supabase-api-version",
      "content-profile",
      "accept-profile",
      "prefer",
    ]) {
      expect(allowed).toContain(h);
    }
  });

  test("exposes Content-Range and X-Supabase-Api-Version to browsers", async () => {
    const res = await fetch(`${sb.url}/rest/v1/products`, {
      headers: { apikey: SANDBOX_PUBLISHABLE_KEY, Origin: "http://127.0.0.1:5173" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Range");
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Supabase-Api-Version");
  });

  test("serves the inbox page at / as HTML", async () => {
    const res = await fetch(`${sb.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Sandbox inbox");
  });

  test("answers unknown paths with 404 in JSON", async () => {
    const res = await fetch(`${sb.url}/functions/v1/hello`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});
