import { describe, expect, it } from "vitest";
import { currencyForLanguages, regionOf } from "./currency.ts";
import { spelledRegion } from "./currency-pick.ts";

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
    [["zh-Hant-TW", "en-US"], "eur"],
    [["en-Latn-US"], "usd"],
    [["es-419", "en-US"], "usd"],
    [["en-us"], "usd"],
  ] as const)("%j → %s", (languages, expected) => {
    expect(currencyForLanguages(languages)).toBe(expected);
  });

  it("reads a region the tag spells out without Intl, as Intl.Locale reads it", () => {
    for (const tag of ["en-US", "fr-BE", "zh-Hant-TW", "en-Latn-US", "sr-Cyrl-RS-u-nu-latn", "en-us"]) {
      expect(spelledRegion(tag), tag).toBe(regionOf(tag));
    }
    for (const tag of ["en", "fr", "es-419", "zh-Hant", "x-private", "zh-yue-HK", "not a tag", ""]) {
      expect(spelledRegion(tag), tag).toBeNull();
    }
  });

  it("reads the region of a tag, guessing it for a bare language", () => {
    expect(regionOf("fr-BE")).toBe("BE");
    expect(regionOf("fr")).toBe("FR");
    expect(regionOf("??")).toBeNull();
  });
});
