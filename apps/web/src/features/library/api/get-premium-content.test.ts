import type { Db } from "@gatehouse/types";
import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LESSON } from "@/testing/lessons.ts";
import {
  type Lesson,
  premiumContentQueryOptions,
  readPremiumContentAhead,
  takeReadAhead,
} from "./get-premium-content.ts";

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
  } as unknown as Db;
  return { client, reads };
}

describe("premium content read ahead", () => {
  afterEach(() => {
    takeReadAhead("user-1");
    vi.useRealTimers();
  });

  it("is what the next take for the same user gets, once", async () => {
    const { client, reads } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    await expect(takeReadAhead("user-1")).resolves.toEqual([LESSON]);
    expect(reads.count).toBe(1);
    expect(takeReadAhead("user-1")).toBeNull();
  });

  it("is not given to another user", () => {
    const { client } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    expect(takeReadAhead("user-2")).toBeNull();
  });

  it("is dropped when it is no longer fresh", () => {
    vi.useFakeTimers();
    const { client } = clientAnswering([LESSON]);
    readPremiumContentAhead(client, "user-1");
    vi.advanceTimersByTime(6_000);
    expect(takeReadAhead("user-1")).toBeNull();
  });
});

describe("the premium content query and the read ahead", () => {
  const NEW_LESSON: Lesson = { ...LESSON, slug: "two", title: "Two", feature: "downloads", position: 2 };

  it("uses the read ahead for its first load", async () => {
    const ahead = clientAnswering([LESSON]);
    const now = clientAnswering([LESSON, NEW_LESSON]);
    readPremiumContentAhead(ahead.client, "user-1");
    const queryClient = new QueryClient();
    await expect(queryClient.fetchQuery(premiumContentQueryOptions("user-1", async () => now.client))).resolves.toEqual(
      [LESSON],
    );
    expect(now.reads.count).toBe(0);
  });

  it("reads the rows as they are now on a refetch, even with a fresh read ahead (a plan changed)", async () => {
    const ahead = clientAnswering([LESSON]);
    const now = clientAnswering([LESSON, NEW_LESSON]);
    const queryClient = new QueryClient();
    queryClient.setQueryData(premiumContentQueryOptions("user-1").queryKey, [LESSON]);
    readPremiumContentAhead(ahead.client, "user-1");
    await expect(
      queryClient.fetchQuery({ ...premiumContentQueryOptions("user-1", async () => now.client), staleTime: 0 }),
    ).resolves.toEqual([LESSON, NEW_LESSON]);
    expect(now.reads.count).toBe(1);
    // The stale read ahead is gone: a later first load of another page does not get it either.
    expect(takeReadAhead("user-1")).toBeNull();
  });
});
