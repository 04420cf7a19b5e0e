import { afterEach, describe, expect, it, vi } from "vitest";
import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import { HTML_SYNC_KEY, type HtmlSync, type HtmlSyncHolder, startHtmlSync, takeHtmlSync } from "./html-sync.ts";

const ENV = {
  apiUrl: "https://api.test",
  supabaseUrl: "https://project.supabase.test",
  supabasePublishableKey: "sb_publishable_test",
};
const USER = { accessToken: "token-1", userId: "user-1" };
const LESSON: Lesson = { slug: "one", title: "One", summary: "S", body: "B", feature: "library.basic", position: 1 };

/**
 * fetch as the stand-ins answer it: the sync says `active` (with `content` when given: an API that
 * has the publishable key), PostgREST gives one lesson.
 */
function answering(active: boolean, syncStatus = 200, content?: Lesson[]) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    if (url.endsWith("/api/billing/sync")) {
      return new Response(JSON.stringify({ entitlement: { active }, ...(content ? { content } : {}) }), {
        status: syncStatus,
      });
    }
    return new Response(JSON.stringify([LESSON]), { status: 200 });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

const successUrl = (query = "?session_id=cs_1") => new URL(`https://app.test/billing/success${query}`);

describe("the success page's sync sent from its HTML", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends the sync with the saved token, then reads the content with that token once it says active", async () => {
    const calls = answering(true);
    const sync = startHtmlSync(successUrl(), USER, ENV) as HtmlSync;
    expect(sync).toMatchObject({ sessionId: "cs_1", accessToken: "token-1" });
    await expect(sync.active).resolves.toBe(true);
    await expect(sync.content).resolves.toEqual([LESSON]);
    const content =
      "https://project.supabase.test/rest/v1/premium_content?select=slug,title,summary,body,feature,position&order=position.asc";
    expect(calls.map((c) => `${c.init?.method ?? "GET"} ${c.url}`)).toEqual([
      "POST https://api.test/api/billing/sync",
      `OPTIONS ${content}`, // the content read's preflight, while the sync is on its way
      `GET ${content}`,
    ]);
    const [syncCall, warmCall, contentCall] = calls;
    // The preflight asks about the read's own headers (accept is CORS-safelisted), with no token.
    expect(Object.keys(warmCall?.init?.headers ?? {}).sort()).toEqual(
      Object.keys(contentCall?.init?.headers ?? {})
        .filter((name) => name !== "accept")
        .sort(),
    );
    expect(JSON.stringify(warmCall?.init?.headers)).not.toContain("token-1");
    expect(syncCall?.init?.method).toBe("POST");
    expect(syncCall?.init?.body).toBe(JSON.stringify({ sessionId: "cs_1", withContent: true }));
    expect(syncCall?.init?.headers).toMatchObject({ authorization: "Bearer token-1" });
    // The user's own token and the publishable key: RLS decides what they read.
    expect(contentCall?.init?.headers).toMatchObject({
      apikey: "sb_publishable_test",
      authorization: "Bearer token-1",
    });
    // The raw answer is left unread for the API client (syncAnswerOf).
    await expect((await sync.sent).json()).resolves.toEqual({ entitlement: { active: true } });
  });

  it("takes the content the sync answered with, and reads none itself", async () => {
    const answered: Lesson[] = [{ ...LESSON, slug: "from-the-sync" }];
    const calls = answering(true, 200, answered);
    const sync = startHtmlSync(successUrl(), USER, ENV) as HtmlSync;
    await expect(sync.active).resolves.toBe(true);
    await expect(sync.content).resolves.toEqual(answered);
    expect(calls.filter((c) => (c.init?.method ?? "GET") === "GET")).toHaveLength(0);
    // The raw answer is still left unread for the API client.
    await expect((await sync.sent).json()).resolves.toMatchObject({ content: answered });
  });

  it.each([
    ["inactive", false, 200],
    ["refused", true, 403],
  ])("reads no content when the sync answers %s", async (_case, active, status) => {
    const calls = answering(active, status);
    const sync = startHtmlSync(successUrl(), USER, ENV) as HtmlSync;
    await expect(sync.active).resolves.toBe(false);
    await expect(sync.content).resolves.toBeNull();
    expect(calls.filter((c) => c.init?.method !== "OPTIONS")).toHaveLength(1);
  });

  it("says not active when the sync fails to reach the API", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("offline")));
    const sync = startHtmlSync(successUrl(), USER, ENV) as HtmlSync;
    await expect(sync.active).resolves.toBe(false);
    await expect(sync.content).resolves.toBeNull();
  });

  it("sends nothing without a saved session, with gh_sync=0, without a session id or on another page", () => {
    const calls = answering(true);
    expect(startHtmlSync(successUrl(), null, ENV)).toBeNull();
    expect(startHtmlSync(successUrl("?session_id=cs_1&gh_sync=0"), USER, ENV)).toBeNull();
    expect(startHtmlSync(successUrl(""), USER, ENV)).toBeNull();
    expect(startHtmlSync(successUrl("?session_id="), USER, ENV)).toBeNull();
    expect(startHtmlSync(new URL("https://app.test/library?session_id=cs_1"), USER, ENV)).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it("hands its requests over once, only for the same Checkout Session and token", () => {
    const sync = { sessionId: "cs_1", accessToken: "token-1" } as HtmlSync;
    const holder: HtmlSyncHolder = { [HTML_SYNC_KEY]: sync };
    expect(takeHtmlSync("cs_1", "token-1", holder)).toBe(sync);
    expect(takeHtmlSync("cs_1", "token-1", holder)).toBeNull();
    for (const [sessionId, token] of [
      ["cs_2", "token-1"],
      ["cs_1", "token-2"],
    ] as const) {
      const other: HtmlSyncHolder = { [HTML_SYNC_KEY]: sync };
      expect(takeHtmlSync(sessionId, token, other)).toBeNull();
      expect(other[HTML_SYNC_KEY]).toBeUndefined(); // not left for anyone else either
    }
  });
});
