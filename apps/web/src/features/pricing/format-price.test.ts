import { describe, expect, it, vi } from "vitest";
import { formatPrice } from "./format-price.ts";

// Intl uses narrow no-break spaces in French; normalise them to compare.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatPrice", () => {
  it("formats cents in English", () => {
    expect(formatPrice(900, "usd", "en-US")).toBe("$9");
    expect(formatPrice(750, "eur", "en-US")).toBe("€7.50");
  });

  it("formats cents in French with a decimal comma and a trailing symbol", () => {
    expect(plain(formatPrice(9000, "eur", "fr-FR"))).toBe("90 €");
    expect(plain(formatPrice(750, "eur", "fr-FR"))).toBe("7,50 €");
  });

  it("does not divide zero-decimal currencies", () => {
    expect(formatPrice(1200, "jpy", "en-US")).toBe("¥1,200");
  });

  it("builds a formatter once per locale and currency, not twice per price", () => {
    const built = vi.spyOn(Intl, "NumberFormat");
    const shown = [1900, 2900, 4900, 1950, 2950].map((cents) => formatPrice(cents, "gbp", "en-GB"));
    expect(shown).toEqual(["£19", "£29", "£49", "£19.50", "£29.50"]);
    expect(built).toHaveBeenCalledTimes(1);
    expect(plain(formatPrice(1234500, "eur", "fr-FR"))).toBe("12 345 €");
    expect(plain(formatPrice(1234550, "eur", "fr-FR"))).toBe("12 345,50 €");
  });
});
