import { PREMIUM_CONTENT_COLUMNS as API_COLUMNS } from "@gatehouse/types";
import { describe, expect, it } from "vitest";
import { LESSON } from "@/testing/lessons.ts";
import type { Lesson } from "./get-premium-content.ts";
import { PREMIUM_CONTENT_COLUMNS, reserveReadAhead, takeAnsweredReadAhead, takeReadAhead } from "./read-ahead.ts";

it("asks for the same columns as the API's read for the sync's answer (withContent)", () => {
  // The entry keeps its own copy (no import of @gatehouse/types' runtime into it).
  expect(PREMIUM_CONTENT_COLUMNS).toBe(API_COLUMNS);
});

describe("a reserved read ahead", () => {
  it("is what the page takes once the read started (no second read)", async () => {
    let reads = 0;
    const reservation = reserveReadAhead("user-1");
    reservation.start(async () => {
      reads += 1;
      return [LESSON];
    });
    await expect(takeReadAhead("user-1")).resolves.toEqual([LESSON]);
    expect(takeReadAhead("user-1")).toBeNull();
    expect(reads).toBe(1);
  });

  it("is not waited for before it started: the page reads on its own and the reserved read is not made", () => {
    let reads = 0;
    const reservation = reserveReadAhead("user-1");
    expect(takeReadAhead("user-1")).toBeNull();
    reservation.start(async () => {
      reads += 1;
      return [LESSON];
    });
    expect(reads).toBe(0);
    expect(takeReadAhead("user-1")).toBeNull();
  });

  it("gives nothing once dropped, or to another user", () => {
    reserveReadAhead("user-1").drop();
    expect(takeReadAhead("user-1")).toBeNull();
    reserveReadAhead("user-1").start(async () => [LESSON]);
    expect(takeReadAhead("user-2")).toBeNull();
  });

  it("is handed over as rows only once they answered; before that it is left for takeReadAhead", async () => {
    let answer: (rows: Lesson[]) => void = () => undefined;
    reserveReadAhead("user-1").start(() => new Promise<Lesson[]>((resolve) => (answer = resolve)));
    expect(takeAnsweredReadAhead("user-1")).toBeNull();
    answer([LESSON]);
    await Promise.resolve();
    await Promise.resolve();
    expect(takeAnsweredReadAhead("user-2")).toBeNull();
    expect(takeAnsweredReadAhead("user-1")).toEqual([LESSON]);
    expect(takeAnsweredReadAhead("user-1")).toBeNull();
    expect(takeReadAhead("user-1")).toBeNull();
  });

  it("gives no rows from a read that failed", async () => {
    reserveReadAhead("user-1").start(async () => {
      throw new Error("premium_content answered 500");
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(takeAnsweredReadAhead("user-1")).toBeNull();
    await expect(takeReadAhead("user-1")).resolves.toBeNull();
  });
});
