import { describe, expect, it } from "vitest";
import { LESSON } from "@/testing/lessons.ts";
import { reserveReadAhead, takeReadAhead } from "./read-ahead.ts";

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
});
