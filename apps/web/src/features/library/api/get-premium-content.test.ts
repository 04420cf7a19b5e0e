import type { Db } from "@gatehouse/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Lesson, readPremiumContentAhead, takeReadAhead } from "./get-premium-content.ts";

const LESSON: Lesson = {
  slug: "one",
  title: "One",
  summary: "The first",
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
