import { describe, expect, it } from "vitest";
import { prorate, prorationDateLabel, prorationDescription, unusedShare } from "./proration.ts";

const DAY = 86_400;
const start = 1_764_633_600; // 2025-12-02T00:00:00Z
const month = start + 31 * DAY;

describe("prorate (Stripe's seconds-based prorations)", () => {
  it.each([
    // name, old, new, at, cycle restarts, credit, charge
    ["upgrade at the very start: all of both", 900, 2900, start, false, -900, 2900],
    ["upgrade at the end: nothing", 900, 2900, month, false, 0, 0],
    ["upgrade 10 of 31 days in", 900, 2900, start + 10 * DAY, false, -610, 1965],
    ["downgrade halfway", 2900, 900, start + 15.5 * DAY, false, -1450, 450],
    ["a third of a second-accurate period", 1000, 1000, start + (31 * DAY) / 3, false, -667, 667],
    ["interval change: credit only, the new period is billed in full", 900, 9000, start + 10 * DAY, true, -610, 0],
    ["free to paid", 0, 900, start + 10 * DAY, false, 0, 610],
    ["a date before the period counts as its start", 900, 2900, start - DAY, false, -900, 2900],
  ] as const)("%s", (_name, oldAmount, newAmount, at, restarts, credit, charge) => {
    expect(prorate({ oldAmount, newAmount, periodStart: start, periodEnd: month, at }, restarts)).toEqual({
      credit,
      charge,
    });
  });

  it("measures the unused share in seconds", () => {
    expect(unusedShare(start, month, start + 1)).toBeCloseTo(1 - 1 / (31 * DAY), 12);
    expect(unusedShare(start, start, start)).toBe(0);
  });

  it("words lines as Stripe does", () => {
    expect(prorationDateLabel(start + 3600)).toBe("02 Dec 2025");
    expect(prorationDescription("unused", "Basic", 1, start)).toBe("Unused time on Basic after 02 Dec 2025");
    expect(prorationDescription("remaining", "Pro", 2, start)).toBe("Remaining time on 2 × Pro after 02 Dec 2025");
  });
});
