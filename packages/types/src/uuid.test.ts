import { describe, expect, test } from "vitest";
import { isUuid } from "./uuid.ts";

describe("isUuid", () => {
  test.each(["7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90", "7B0B9A4E-2C1D-4B8F-9E57-1C3F6D2A8B90"])("%j is one", (value) => {
    expect(isUuid(value)).toBe(true);
  });

  // No dashes, dashes only, one digit short, a trailing space, a letter outside hex, nothing.
  test.each([
    "7b0b9a4e2c1d4b8f9e571c3f6d2a8b90",
    "------------------------------------",
    "7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b9",
    "7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90 ",
    "g7b0b9a4-2c1d-4b8f-9e57-1c3f6d2a8b90",
    "",
  ])("%j is not", (value) => {
    expect(isUuid(value)).toBe(false);
  });
});
