import { describe, expect, it } from "vitest";
import { expiryValid } from "./hosted-pages.ts";

describe("expiryValid", () => {
  const next = new Date().getUTCFullYear() + 1;
  it.each([`12 / ${String(next).slice(2)}`, `01/${next}`, "1234"])("%s is a valid expiry", (input) => {
    expect(expiryValid(input)).toBe(true);
  });

  // Month 13, month 00, in the past, empty, not digits.
  it.each(["13/40", "00/40", "12/20", "", "ab/cd"])("%j is not", (input) => {
    expect(expiryValid(input)).toBe(false);
  });
});
