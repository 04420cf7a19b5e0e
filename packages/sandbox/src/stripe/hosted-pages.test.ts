import { describe, expect, it } from "vitest";
import { expiryValid } from "./hosted-pages.ts";

describe("expiryValid", () => {
  const next = new Date().getUTCFullYear() + 1;
  it.each([
    [`12 / ${String(next).slice(2)}`, true],
    [`01/${next}`, true],
    ["13/40", false],
    ["00/40", false],
    ["12/20", false],
    ["", false],
    ["1234", true],
    ["ab/cd", false],
  ])("%s → %s", (input, ok) => {
    expect(expiryValid(input)).toBe(ok);
  });
});
