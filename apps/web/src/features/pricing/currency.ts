// The currency prices are shown and charged in: the buyer's pick (remembered in this browser),
// else the one their browser's region uses, among the currencies Gatehouse sells in.
import { useCallback, useState } from "react";

export const SELLING_CURRENCIES = ["eur", "usd"] as const;
export type SellingCurrency = (typeof SELLING_CURRENCIES)[number];

const STORAGE_KEY = "gatehouse.currency";

/** Regions whose buyers pay in US dollars; everyone else sees euros (the catalog's own currency). */
const USD_REGIONS = new Set(["US", "PR", "EC", "SV", "PA", "GU", "AS", "VI", "MP", "UM"]);

/** The region of a BCP 47 tag (`en-US` → `US`), or null. */
export function regionOf(tag: string): string | null {
  try {
    return new Intl.Locale(tag).maximize().region ?? null;
  } catch {
    return null;
  }
}

/** The currency for the browser's languages (navigator.languages): the first one with a region decides. */
export function currencyForLanguages(languages: readonly string[]): SellingCurrency {
  for (const tag of languages) {
    if (!/-[A-Za-z]{2}\b/.test(tag)) continue;
    const region = regionOf(tag);
    if (region) return USD_REGIONS.has(region) ? "usd" : "eur";
  }
  const first = languages[0];
  const guessed = first ? regionOf(first) : null;
  return guessed && USD_REGIONS.has(guessed) ? "usd" : "eur";
}

export function isSellingCurrency(v: unknown): v is SellingCurrency {
  return typeof v === "string" && (SELLING_CURRENCIES as readonly string[]).includes(v);
}

function stored(): SellingCurrency | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isSellingCurrency(v) ? v : null;
  } catch {
    return null;
  }
}

/** [currency, setCurrency]: the remembered pick, else the browser region's; a pick is remembered. */
export function useCurrency(): [SellingCurrency, (next: SellingCurrency) => void] {
  const [currency, setState] = useState<SellingCurrency>(
    () => stored() ?? currencyForLanguages(typeof navigator === "undefined" ? [] : navigator.languages),
  );
  const set = useCallback((next: SellingCurrency) => {
    setState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the pick lasts for this page only.
    }
  }, []);
  return [currency, set];
}
