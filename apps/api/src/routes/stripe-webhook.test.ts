import { describe, expect, test } from "vitest";
import { hasOneTimestamp, timestampWithinTolerance } from "./stripe-webhook.ts";

describe("the Stripe-Signature timestamp", () => {
  const now = 1_800_000_000;
  test.each([
    [now - 300, true],
    [now + 300, true],
    [now - 301, false],
    [now + 301, false],
  ])("t=%i is within 300 s of now: %s", (t, within) => {
    expect(timestampWithinTolerance(`t=${t},v1=abc`, now)).toBe(within);
  });

  test("a header without a numeric t= is not within the tolerance", () => {
    expect(timestampWithinTolerance("v1=abc", now)).toBe(false);
    expect(timestampWithinTolerance("t=abc,v1=zzz", now)).toBe(false);
  });

  test("exactly one t= element", () => {
    expect(hasOneTimestamp(`t=${now},v1=abc`)).toBe(true);
    expect(hasOneTimestamp(`t=${now},v1=abc,t=${now - 900}`)).toBe(false);
    expect(hasOneTimestamp("v1=abc")).toBe(false);
  });
});
