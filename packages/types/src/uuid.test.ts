import { describe, expect, test } from "vitest";
import { isUuid } from "./uuid.ts";

describe("isUuid", () => {
  test.each([
    ["7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90", true],
    ["7B0B9A4E-2C1D-4B8F-9E57-1C3F6D2A8B90", true],
    ["7b0b9a4e2c1d4b8f9e571c3f6d2a8b90", false],
    ["------------------------------------", false],
    ["7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b9", false],
    ["7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90 ", false],
    ["g7b0b9a4-2c1d-4b8f-9e57-1c3f6d2a8b90", false],
    ["", false],
  ])("%j → %s", (value, want) => {
    expect(isUuid(value)).toBe(want);
  });
});
