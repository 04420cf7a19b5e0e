import { describe, expect, test, vi } from "vitest";
import { StripePacer } from "./stripe-pacer.ts";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("StripePacer", () => {
  test("holds at most one second of budget and refills at the budget's rate", () => {
    const c = clock();
    const pacer = new StripePacer(20, c.now);
    expect(pacer.available()).toBe(20);
    c.advance(10_000);
    expect(pacer.available()).toBe(20);
  });

  test("a person waiting goes at once and overdraws; background work then waits for the debt", () => {
    const c = clock();
    const pacer = new StripePacer(20, c.now);
    for (let i = 0; i < 25; i++) pacer.spend();
    expect(pacer.available()).toBe(-5);
    c.advance(500);
    expect(pacer.available()).toBe(5);
  });

  test("background calls go in arrival order and each takes one token", async () => {
    const c = clock();
    const pacer = new StripePacer(3, c.now);
    const order: number[] = [];
    await Promise.all([0, 1, 2].map((i) => pacer.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
    expect(pacer.available()).toBe(0);
  });

  test("a background call waits until the clock has refilled a token", async () => {
    const c = clock();
    const pacer = new StripePacer(1000, c.now);
    for (let i = 0; i < 1000; i++) pacer.spend();
    const waiting = pacer.take();
    // Real time passes in the pacer's timer; the token comes once this clock says 1 ms passed.
    c.advance(1);
    await waiting;
    expect(pacer.available()).toBeLessThan(1);
  });

  test("a wait dropped with its request (workerd ends a finished request's timers) holds up no later call", async () => {
    vi.useFakeTimers();
    try {
      const c = clock();
      const pacer = new StripePacer(10, c.now);
      for (let i = 0; i < 10; i++) pacer.spend();
      void pacer.take(); // request A waits for a token…
      vi.clearAllTimers(); // …and ends: its timers are gone with it
      c.advance(5_000); // the bucket has refilled meanwhile
      let done = false;
      const later = pacer.take().then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(done).toBe(true);
      await later;
    } finally {
      vi.useRealTimers();
    }
  });
});
