import { describe, expect, test } from "vitest";
import { jittered, retryAfterSeconds } from "./waits.ts";

describe("retryAfterSeconds", () => {
  const cases: Array<{ header: string | null | undefined; seconds: number | null }> = [
    { header: "3", seconds: 3 },
    { header: "0", seconds: 0 },
    { header: "1.5", seconds: 1.5 },
    { header: " 2 ", seconds: 2 },
    { header: null, seconds: null },
    { header: undefined, seconds: null },
    { header: "", seconds: null },
    { header: "-1", seconds: null },
    { header: "soon", seconds: null },
    // The HTTP-date form: neither Stripe nor Resend sends it; read as no advice.
    { header: "Wed, 02 Dec 2026 15:00:00 GMT", seconds: null },
  ];
  test.each(cases)("$header → $seconds", ({ header, seconds }) => {
    expect(retryAfterSeconds(header)).toBe(seconds);
  });
});

test("jittered waits between half and all of the delay", () => {
  for (let i = 0; i < 100; i++) {
    const ms = jittered(1000);
    expect(ms).toBeGreaterThanOrEqual(500);
    expect(ms).toBeLessThanOrEqual(1000);
  }
});
