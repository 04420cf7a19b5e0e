import { describe, expect, it } from "vitest";
import { readContentAsUser } from "./read-content-as-user.ts";

const LESSON = { slug: "one", title: "One", summary: "S", body: "B", feature: "library.basic", position: 1 };
const CONFIG = {
  SUPABASE_URL: "https://project.supabase.test",
  SUPABASE_PUBLISHABLE_KEY: "sb_publishable_test_key_000",
};

/** A fetch that records its calls and answers `status` with `body`, or throws `error`. */
function answering(status: number, body: unknown, error?: Error) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), headers: init?.headers as Record<string, string> });
    if (error) throw error;
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe("readContentAsUser", () => {
  it("reads premium_content with the publishable key and the caller's own token (RLS decides)", async () => {
    const { calls, fetchFn } = answering(200, [LESSON]);
    await expect(readContentAsUser(CONFIG, "user-token", fetchFn)).resolves.toEqual([LESSON]);
    expect(calls).toEqual([
      {
        url: "https://project.supabase.test/rest/v1/premium_content?select=slug,title,summary,body,feature,position&order=position.asc",
        headers: {
          accept: "application/json",
          apikey: "sb_publishable_test_key_000",
          authorization: "Bearer user-token",
        },
      },
    ]);
  });

  it("reads nothing without a publishable key", async () => {
    const { calls, fetchFn } = answering(200, [LESSON]);
    await expect(
      readContentAsUser({ ...CONFIG, SUPABASE_PUBLISHABLE_KEY: undefined }, "t", fetchFn),
    ).resolves.toBeNull();
    expect(calls).toHaveLength(0);
  });

  it.each([
    ["a refusal", answering(401, { code: "PGRST301", message: "JWT expired" })],
    ["an answer that is not a list", answering(200, { slug: "one" })],
    ["a network failure", answering(200, [], new TypeError("fetch failed"))],
  ])("answers null on %s (the page then reads the rows itself)", async (_case, { fetchFn }) => {
    await expect(readContentAsUser(CONFIG, "t", fetchFn)).resolves.toBeNull();
  });
});
