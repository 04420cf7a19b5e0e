import type { SupabaseClient } from "@supabase/supabase-js";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEarlySync, takeEarlySync } from "./early-sync.ts";

/** A supabase-js client as far as the early sync uses it: the restored session, or none. */
function clientWith(accessToken: string | null) {
  const client = {
    auth: {
      getSession: async () => ({ data: { session: accessToken ? { access_token: accessToken } : null }, error: null }),
    },
  } as unknown as SupabaseClient;
  return () => Promise.resolve(client);
}

const ACTIVE = { entitlement: { active: true, entitlement: "pro", status: "active" } };

function answerSyncs() {
  const calls: Array<{ url: string; body: unknown; authorization: string | null }> = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({
        url,
        body: JSON.parse(String(init.body)),
        authorization: new Headers(init.headers).get("authorization"),
      });
      return new Response(JSON.stringify(ACTIVE), { status: 200, headers: { "content-type": "application/json" } });
    }),
  );
  return calls;
}

describe("early sync", () => {
  beforeAll(() => {
    vi.stubEnv("VITE_SUPABASE_URL", "http://127.0.0.1:54321");
    vi.stubEnv("VITE_SUPABASE_PUBLISHABLE_KEY", "sb_publishable_x");
    vi.stubEnv("VITE_API_URL", "http://127.0.0.1:8787");
  });
  afterEach(async () => {
    await takeEarlySync(null, "");
    vi.unstubAllGlobals();
  });

  it("sends the success page's sync before render and hands its answer over once", async () => {
    const calls = answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"));
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ body: { sessionId: "cs_1" }, authorization: "Bearer token-1" });
    expect(calls[0]?.url).toBe("http://127.0.0.1:8787/api/billing/sync");
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
  });

  it("is not used for another session or another token", async () => {
    answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"));
    await expect(takeEarlySync("cs_2", "token-1")).resolves.toBeNull();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"));
    await expect(takeEarlySync("cs_1", "token-2")).resolves.toBeNull();
  });

  it("sends nothing for a visitor, without a session id, with gh_sync=0 or on another page", async () => {
    const calls = answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith(null));
    await expect(takeEarlySync("cs_1", "")).resolves.toBeNull();
    for (const url of [
      "https://app.test/billing/success",
      "https://app.test/billing/success?session_id=cs_1&gh_sync=0",
      "https://app.test/library?session_id=cs_1",
    ]) {
      startEarlySync(new URL(url), clientWith("token-1"));
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
    }
    expect(calls).toHaveLength(0);
  });
});
