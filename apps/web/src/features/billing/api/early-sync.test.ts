import type { Db } from "@gatehouse/types";
import { afterEach, describe, expect, it } from "vitest";
import type { SyncAnswer } from "@/lib/gatehouse-api.ts";
import { startEarlySync, takeEarlySync } from "./early-sync.ts";

/** A supabase-js client as far as the early sync uses it: the restored session, or none. */
function clientWith(accessToken: string | null) {
  const client = {
    auth: {
      getSession: async () => ({
        data: { session: accessToken ? { access_token: accessToken, user: { id: "user-1" } } : null },
        error: null,
      }),
    },
  } as unknown as Db;
  return () => Promise.resolve(client);
}

const ACTIVE: SyncAnswer = {
  entitlement: {
    active: true,
    entitlement: "pro",
    status: "active",
    currentPeriodEnd: "2026-12-31T00:00:00.000Z",
    cancelAt: null,
    features: ["library.basic"],
    source: "subscription",
    priceId: "price_1",
    trialEnd: null,
    scheduledChange: null,
  },
};

/** Records the syncs sent (the API call itself is tested in lib/api-client.test.ts). */
function answerSyncs() {
  const calls: Array<{ sessionId: string | null; accessToken: string }> = [];
  const send = async (input: { sessionId: string | null; accessToken: string }) => {
    calls.push({ sessionId: input.sessionId, accessToken: input.accessToken });
    return ACTIVE;
  };
  return { calls, send };
}

describe("early sync", () => {
  afterEach(async () => {
    await takeEarlySync(null, "");
  });

  it("sends the success page's sync before render and hands its answer over once", async () => {
    const { calls, send } = answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"), send);
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
    expect(calls).toEqual([{ sessionId: "cs_1", accessToken: "token-1" }]);
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
  });

  it("is not used for another session or another token", async () => {
    const { send } = answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"), send);
    await expect(takeEarlySync("cs_2", "token-1")).resolves.toBeNull();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith("token-1"), send);
    await expect(takeEarlySync("cs_1", "token-2")).resolves.toBeNull();
  });

  it("sends nothing for a visitor, without a session id, with gh_sync=0 or on another page", async () => {
    const { calls, send } = answerSyncs();
    startEarlySync(new URL("https://app.test/billing/success?session_id=cs_1"), clientWith(null), send);
    await expect(takeEarlySync("cs_1", "")).resolves.toBeNull();
    for (const url of [
      "https://app.test/billing/success",
      "https://app.test/billing/success?session_id=cs_1&gh_sync=0",
      "https://app.test/library?session_id=cs_1",
    ]) {
      startEarlySync(new URL(url), clientWith("token-1"), send);
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
    }
    expect(calls).toHaveLength(0);
  });
});
