import { describe, expect, it } from "vitest";
import { currencyForLanguages, regionOf } from "./currency.ts";

describe("the buyer's currency from the browser's languages", () => {
  it.each([
    [["en-US", "en"], "usd"],
    [["fr-FR", "fr"], "eur"],
    [["de-DE"], "eur"],
    [["en-GB"], "eur"],
    [["fr-CA", "en-US"], "eur"],
    [["en", "en-US"], "usd"],
    [["es-PR"], "usd"],
    [["en"], "usd"],
    [["fr"], "eur"],
    [[], "eur"],
    [["not a tag"], "eur"],
  ] as const)("%j → %s", (languages, expected) => {
    expect(currencyForLanguages(languages)).toBe(expected);
  });

  it("reads the region of a tag, guessing it for a bare language", () => {
    expect(regionOf("fr-BE")).toBe("BE");
    expect(regionOf("fr")).toBe("FR");
    expect(regionOf("??")).toBeNull();
  });
});
