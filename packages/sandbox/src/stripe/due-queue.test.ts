import { describe, expect, it } from "vitest";
import { DueQueue } from "./due-queue.ts";

describe("DueQueue", () => {
  it("pops the earliest time first, then the lowest rank", () => {
    const q = new DueQueue<{ at: number; rank: number; name: string }>();
    const items = [
      { at: 5, rank: 0, name: "e" },
      { at: 1, rank: 3, name: "b" },
      { at: 1, rank: 1, name: "a" },
      { at: 3, rank: 0, name: "c" },
      { at: 4, rank: 2, name: "d" },
    ];
    for (const i of items) q.push(i);
    const out: string[] = [];
    for (let x = q.pop(); x; x = q.pop()) out.push(x.name);
    expect(out).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("stays ordered over many random pushes and pops", () => {
    const q = new DueQueue<{ at: number; rank: number }>();
    const all: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(Math.random() * 500);
      all.push(at);
      q.push({ at, rank: 0 });
    }
    const out: number[] = [];
    for (let x = q.pop(); x; x = q.pop()) out.push(x.at);
    expect(out).toEqual([...all].sort((a, b) => a - b));
  });
});
