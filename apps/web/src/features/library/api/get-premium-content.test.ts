import type { SupabaseClient } from "@supabase/supabase-js";
import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Lesson, premiumContentQueryOptions, readPremiumContentAhead } from "./get-premium-content.ts";

const LESSON: Lesson = {
  slug: "one",
  title: "One",
  summary: null,
  body: "Body",
  feature: "library.basic",
  position: 1,
};

/** A client answering the premium_content read with these rows, counting the reads. */
function clientAnswering(rows: Lesson[]) {
  const reads = { count: 0 };
  const client = {
    from: (table: string) => ({
      select: () => ({
        order: async () => {
          reads.count += 1;
          return table === "premium_content" ? { data: rows, error: null } : { data: null, error: { message: "no" } };
        },
      }),
    }),
  } as unknown as SupabaseClient;
  return { client, reads };
}

const fetchFor = (userId: string) => new QueryClient().fetchQuery(premiumContentQueryOptions(userId));

vi.mock("@/lib/supabase.ts", () => ({
  getSupabase: async () => {
    throw new Error("no read ahead: the query read itself");
  },
}));

describe("premium content read ahead", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is what the next query for the same user gets, once", async () => {
    const { client, reads } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    await expect(fetchFor("user-1")).resolves.toEqual([LESSON]);
    expect(reads.count).toBe(1);
    await expect(fetchFor("user-1")).rejects.toThrow("the query read itself");
  });

  it("is not given to another user", async () => {
    const { client } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    await expect(fetchFor("user-2")).rejects.toThrow("the query read itself");
  });

  it("is dropped when it is no longer fresh", async () => {
    vi.useFakeTimers();
    const { client } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    vi.advanceTimersByTime(6_000);
    await expect(fetchFor("user-1")).rejects.toThrow("the query read itself");
  });
});
