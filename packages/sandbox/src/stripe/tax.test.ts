import { describe, expect, it } from "vitest";
import { behaviorOf, computeTax } from "./tax.ts";

describe("the sandbox tax table", () => {
  it.each([
    ["FR", "exclusive", 2900, { net: 2900, tax: 580, total: 3480, percentage: 20 }],
    ["FR", "inclusive", 2900, { net: 2417, tax: 483, total: 2900, percentage: 20 }],
    ["DE", "exclusive", 1000, { net: 1000, tax: 190, total: 1190, percentage: 19 }],
    ["DE", "inclusive", 1190, { net: 1000, tax: 190, total: 1190, percentage: 19 }],
    ["GB", "exclusive", 999, { net: 999, tax: 200, total: 1199, percentage: 20 }],
    ["US", "exclusive", 3500, { net: 3500, tax: 0, total: 3500, percentage: 0 }],
    ["US", "inclusive", 3500, { net: 3500, tax: 0, total: 3500, percentage: 0 }],
    ["JP", "exclusive", 3500, { net: 3500, tax: 0, total: 3500, percentage: 0 }],
    [null, "exclusive", 3500, { net: 3500, tax: 0, total: 3500, percentage: 0 }],
  ] as const)("%s %s %d", (country, behavior, amount, expected) => {
    expect(computeTax(amount, country, behavior)).toEqual(expected);
  });

  it("reads an unspecified tax behaviour as the account default (exclusive)", () => {
    expect(behaviorOf("unspecified")).toBe("exclusive");
    expect(behaviorOf(null)).toBe("exclusive");
    expect(behaviorOf("inclusive")).toBe("inclusive");
  });
});
