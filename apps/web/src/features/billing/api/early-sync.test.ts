import type { Db } from "@gatehouse/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import { takeReadAhead } from "@/features/library/api/read-ahead.ts";
import type { SyncAnswer } from "@/lib/gatehouse-api.ts";
import { bootSession, startEarlySync, takeEarlyAccess, takeEarlySync } from "./early-sync.ts";
import type { EntitlementRow } from "./entitlement-row.ts";
import { HTML_SYNC_KEY, type HtmlSync, type HtmlSyncHolder } from "./html-sync.ts";
import { savedSession, storedSession } from "./stored-session.ts";

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

const LESSON: Lesson = { slug: "one", title: "One", summary: "S", body: "B", feature: "library.basic", position: 1 };

/** Records the content reads made ahead (the read itself is PostgREST with the user's token). */
function readsAhead() {
  const tokens: string[] = [];
  const read = async (accessToken: string) => {
    tokens.push(accessToken);
    return [LESSON];
  };
  return { tokens, read };
}

/** The user's entitlement row as the boot reads it: active or not, and the reads made. */
function rowReads(active: boolean | null, answered: Promise<void> = Promise.resolve()) {
  const reads: Array<{ accessToken: string; userId: string }> = [];
  const readAccess = async (accessToken: string, userId: string) => {
    reads.push({ accessToken, userId });
    await answered;
    return active === null ? null : ({ user_id: userId, active, status: active ? "active" : null } as EntitlementRow);
  };
  return { reads, readAccess };
}

const never = <T>() => new Promise<T>(() => undefined);

describe("early sync", () => {
  afterEach(async () => {
    await takeEarlySync(null, "");
    takeReadAhead("user-1");
    takeEarlyAccess("user-1");
  });

  it.each([
    [true, ["token-1"]],
    [false, []],
  ])(
    "with gh_sync=0 sends no sync, reads the row at once (active: %s) and the content only if active; the page's poll takes the row",
    async (active, contentReads) => {
      const { calls, send } = answerSyncs();
      const { reads, readAccess } = rowReads(active);
      const { tokens, read } = readsAhead();
      startEarlySync(
        new URL("https://app.test/billing/success?session_id=cs_1&gh_sync=0"),
        clientWith("token-1"),
        send,
        undefined,
        read,
        readAccess,
      );
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
      await expect(takeEarlyAccess("user-1")).resolves.toMatchObject({ active });
      expect(reads).toEqual([{ accessToken: "token-1", userId: "user-1" }]);
      expect(takeEarlyAccess("user-1")).toBeNull(); // once
      const ahead = takeReadAhead("user-1");
      if (active) await expect(ahead).resolves.toEqual([LESSON]);
      else expect(ahead).toBeNull();
      expect(tokens).toEqual(contentReads);
      expect(calls).toHaveLength(0);
    },
  );

  it("with the sync, reads no row: a subscriber's is active before the sync wrote what they bought", async () => {
    const { reads, readAccess } = rowReads(true);
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      clientWith("token-1"),
      answerSyncs().send,
      undefined,
      readsAhead().read,
      readAccess,
    );
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
    expect(reads).toHaveLength(0);
    expect(takeEarlyAccess("user-1")).toBeNull();
  });

  it("hands the row read only to the same user's page", async () => {
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1&gh_sync=0"),
      clientWith("token-1"),
      answerSyncs().send,
      undefined,
      readsAhead().read,
      rowReads(true).readAccess,
    );
    await expect(takeEarlyAccess("user-2")).resolves.toBeNull();
    expect(takeEarlyAccess("user-1")).toBeNull();
  });

  it("reads the content with the user's token once the sync says active, and the page takes that read", async () => {
    const { send } = answerSyncs();
    const { tokens, read } = readsAhead();
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      clientWith("token-1"),
      send,
      undefined,
      read,
      rowReads(null).readAccess,
    );
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
    await expect(takeReadAhead("user-1")).resolves.toEqual([LESSON]);
    expect(tokens).toEqual(["token-1"]);
  });

  it("sends the success page's sync before render and hands its answer over once", async () => {
    const { calls, send } = answerSyncs();
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      clientWith("token-1"),
      send,
      undefined,
      readsAhead().read,
      rowReads(null).readAccess,
    );
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
    expect(calls).toEqual([{ sessionId: "cs_1", accessToken: "token-1" }]);
    await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
  });

  it("is not used for another session or another token", async () => {
    const { send } = answerSyncs();
    const url = new URL("https://app.test/billing/success?session_id=cs_1");
    const { read } = readsAhead();
    const { readAccess } = rowReads(null);
    startEarlySync(url, clientWith("token-1"), send, undefined, read, readAccess);
    await expect(takeEarlySync("cs_2", "token-1")).resolves.toBeNull();
    startEarlySync(url, clientWith("token-1"), send, undefined, read, readAccess);
    await expect(takeEarlySync("cs_1", "token-2")).resolves.toBeNull();
  });

  it("sends and reads nothing for a visitor, without a session id or on another page", async () => {
    const { calls, send } = answerSyncs();
    const { reads, readAccess } = rowReads(true);
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1&gh_sync=0"),
      clientWith(null),
      send,
      undefined,
      readsAhead().read,
      readAccess,
    );
    await expect(takeEarlySync("cs_1", "")).resolves.toBeNull();
    for (const url of [
      "https://app.test/billing/success",
      "https://app.test/billing/success?gh_sync=0",
      "https://app.test/library?session_id=cs_1&gh_sync=0",
    ]) {
      startEarlySync(new URL(url), clientWith("token-1"), send, undefined, readsAhead().read, readAccess);
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toBeNull();
    }
    expect(calls).toHaveLength(0);
    expect(reads).toHaveLength(0);
    await expect(takeEarlyAccess("user-1") ?? Promise.resolve("none taken")).resolves.toBeNull();
  });

  it("sends with the token supabase-js saved, without waiting for supabase-js to load", async () => {
    const { calls, send } = answerSyncs();
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      () => never<Db>(),
      send,
      () => ({ accessToken: "token-saved", userId: "user-1" }),
      readsAhead().read,
      rowReads(null).readAccess,
    );
    await expect(takeEarlySync("cs_1", "token-saved")).resolves.toEqual(ACTIVE);
    expect(calls).toEqual([{ sessionId: "cs_1", accessToken: "token-saved" }]);
  });

  it("names the saved session's user to the success page, before supabase-js has loaded; no one elsewhere", async () => {
    const saved = { accessToken: "token-saved", userId: "user-1" };
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      () => never<Db>(),
      answerSyncs().send,
      () => saved,
      readsAhead().read,
      rowReads(null).readAccess,
    );
    expect(bootSession()).toEqual(saved);
    await takeEarlySync("cs_1", "token-saved");
    startEarlySync(
      new URL("https://app.test/library"),
      () => never<Db>(),
      answerSyncs().send,
      () => saved,
    );
    expect(bootSession()).toBeNull();
    startEarlySync(
      new URL("https://app.test/billing/success?session_id=cs_1"),
      clientWith("token-1"),
      answerSyncs().send,
      () => null,
      readsAhead().read,
      rowReads(null).readAccess,
    );
    expect(bootSession()).toBeNull();
  });

  it("reads the saved session only on the success page", () => {
    let reads = 0;
    const stored = () => {
      reads += 1;
      return null;
    };
    startEarlySync(new URL("https://app.test/library"), clientWith("token-1"), answerSyncs().send, stored);
    expect(reads).toBe(0);
  });

  describe("with the sync the success page's HTML sent (html-sync.ts)", () => {
    const url = new URL("https://app.test/billing/success?session_id=cs_1");
    const stored = () => ({ accessToken: "token-1", userId: "user-1" });
    const holder = globalThis as HtmlSyncHolder;
    const fromHtml = (content: Promise<Lesson[] | null>): HtmlSync => ({
      sessionId: "cs_1",
      accessToken: "token-1",
      sent: Promise.resolve(new Response(JSON.stringify(ACTIVE), { status: 200 })),
      active: Promise.resolve(true),
      content,
    });
    afterEach(() => {
      delete holder[HTML_SYNC_KEY];
      vi.unstubAllGlobals();
    });

    it("adopts its sync and its content read instead of sending its own", async () => {
      const fetchSpy = vi.fn();
      vi.stubGlobal("fetch", fetchSpy);
      holder[HTML_SYNC_KEY] = fromHtml(Promise.resolve([LESSON]));
      const { tokens, read } = readsAhead();
      startEarlySync(url, clientWith("token-1"), undefined, stored, read, rowReads(null).readAccess);
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
      await expect(takeReadAhead("user-1")).resolves.toEqual([LESSON]);
      expect(tokens).toEqual([]);
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(holder[HTML_SYNC_KEY]).toBeUndefined();
    });

    it("reads the content itself when the HTML's read failed", async () => {
      vi.stubGlobal("fetch", vi.fn());
      holder[HTML_SYNC_KEY] = fromHtml(Promise.reject(new Error("premium_content answered 500")));
      const { tokens, read } = readsAhead();
      startEarlySync(url, clientWith("token-1"), undefined, stored, read, rowReads(null).readAccess);
      await expect(takeEarlySync("cs_1", "token-1")).resolves.toEqual(ACTIVE);
      await expect(takeReadAhead("user-1")).resolves.toEqual([LESSON]);
      expect(tokens).toEqual(["token-1"]);
    });
  });
});

describe("the session supabase-js saved", () => {
  const key = "sb-abcdefghijklmnop-auth-token";
  const url = "https://abcdefghijklmnop.supabase.co";
  const now = Date.UTC(2026, 11, 2, 12);
  const storageWith = (items: Record<string, string>) => ({ getItem: (k: string) => items[k] ?? null });
  const saved = (expiresInMs: number) =>
    JSON.stringify({
      access_token: "token-1",
      refresh_token: "refresh-1",
      expires_at: Math.floor((now + expiresInMs) / 1000),
      user: { id: "user-1" },
    });

  it("is read under supabase-js's default key for the project's URL", () => {
    expect(storedSession(storageWith({ [key]: saved(3_600_000) }), url, now)).toEqual({
      accessToken: "token-1",
      userId: "user-1",
    });
    expect(
      storedSession(storageWith({ "sb-127-auth-token": saved(3_600_000) }), "http://127.0.0.1:54321", now),
    ).toEqual({ accessToken: "token-1", userId: "user-1" });
  });

  it("is not used when supabase-js would refresh it first, when absent, or when unreadable", () => {
    expect(storedSession(storageWith({ [key]: saved(60_000) }), url, now)).toBeNull();
    expect(storedSession(storageWith({ [key]: saved(-1_000) }), url, now)).toBeNull();
    expect(storedSession(storageWith({}), url, now)).toBeNull();
    expect(storedSession(storageWith({ [key]: "{not json" }), url, now)).toBeNull();
    expect(storedSession(storageWith({ [key]: JSON.stringify({ access_token: "t" }) }), url, now)).toBeNull();
    expect(storedSession(null, url, now)).toBeNull();
  });

  it("is read from this window's localStorage, and is none when storage is blocked", () => {
    window.localStorage.setItem(key, saved(3_600_000_000));
    expect(savedSession(url)).toEqual({ accessToken: "token-1", userId: "user-1" });
    const blocked = vi.spyOn(window, "localStorage", "get").mockImplementation(() => {
      throw new DOMException("blocked", "SecurityError");
    });
    expect(savedSession(url)).toBeNull();
    blocked.mockRestore(); // before setup-tests.ts clears the storage
  });
});
