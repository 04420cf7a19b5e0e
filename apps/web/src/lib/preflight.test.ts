import { afterEach, describe, expect, it, vi } from "vitest";
import { postSync } from "@/features/billing/api/boot-requests.ts";
import { warmSyncPreflight } from "./gatehouse-api.ts";
import { warmPreflight } from "./preflight.ts";

/** fetch recorded: URL, method and header names of each call. */
function recordFetch(answer: () => Promise<Response> = async () => new Response(null, { status: 204 })) {
  const calls: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({
        url: String(input),
        method: init?.method ?? "GET",
        headers: { ...(init?.headers as Record<string, string>) },
      });
      return answer();
    }),
  );
  return calls;
}

/** The headers a browser's CORS preflight asks about: all but the CORS-safelisted `accept`. */
const preflighted = (headers: Record<string, string>) =>
  Object.keys(headers)
    .filter((name) => name !== "accept")
    .sort();

describe("a CORS preflight asked for ahead of its call", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is an OPTIONS to the call's URL with its header names, and no token", () => {
    const calls = recordFetch();
    warmPreflight("https://api.test/api/billing/sync", ["authorization", "content-type"]);
    expect(calls).toEqual([
      {
        url: "https://api.test/api/billing/sync",
        method: "OPTIONS",
        headers: { authorization: "preflight", "content-type": "preflight" },
      },
    ]);
  });

  it("never throws, whether fetch fails or throws", async () => {
    recordFetch(() => Promise.reject(new TypeError("offline")));
    expect(() => warmPreflight("https://api.test/x", ["authorization"])).not.toThrow();
    vi.stubGlobal("fetch", () => {
      throw new TypeError("bad URL");
    });
    expect(() => warmPreflight("not a url", ["authorization"])).not.toThrow();
  });

  it("for the sync, asks about the very URL and headers the success page's sync is sent with", () => {
    const calls = recordFetch();
    warmSyncPreflight("https://api.test");
    void postSync("https://api.test", { sessionId: "cs_1", accessToken: "token-1" });
    const [warm, sync] = calls;
    expect(warm?.method).toBe("OPTIONS");
    expect(sync?.method).toBe("POST");
    expect(warm?.url).toBe(sync?.url);
    expect(preflighted(warm?.headers ?? {})).toEqual(preflighted(sync?.headers ?? {}));
  });
});
