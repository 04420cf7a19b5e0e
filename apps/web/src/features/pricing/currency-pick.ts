// The currency prices are shown and charged in: the buyer's pick (remembered in this browser),
// else the one their browser's region uses, among the currencies Gatehouse sells in. No React here:
// the prerendered pages' inline script (app/shell/shell-script.ts) sets the picker with it too.

export const SELLING_CURRENCIES = ["eur", "usd"] as const;
export type SellingCurrency = (typeof SELLING_CURRENCIES)[number];

export const CURRENCY_STORAGE_KEY = "gatehouse.currency";

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

/**
 * The region subtag a BCP 47 tag spells out (`en-US` → `US`, `zh-Hant-TW` → `TW`), read without
 * Intl, or null. Intl.Locale's likely-subtags data costs the shell script, which runs right after
 * the page's first paint, about 9 ms of a slow machine's CPU (37 ms at 4× throttling, issue 20);
 * a browser's languages nearly always spell their region out.
 */
export function spelledRegion(tag: string): string | null {
  const match = /^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?:-|$)/i.exec(tag);
  return match?.[1] ? match[1].toUpperCase() : null;
}

/** The currency for the browser's languages (navigator.languages): the first one with a region decides. */
export function currencyForLanguages(languages: readonly string[]): SellingCurrency {
  for (const tag of languages) {
    if (!/-[A-Za-z]{2}\b/.test(tag)) continue;
    const region = spelledRegion(tag) ?? regionOf(tag);
    if (region) return USD_REGIONS.has(region) ? "usd" : "eur";
  }
  const first = languages[0];
  const guessed = first ? regionOf(first) : null;
  return guessed && USD_REGIONS.has(guessed) ? "usd" : "eur";
}

export function isSellingCurrency(v: unknown): v is SellingCurrency {
  return typeof v === "string" && (SELLING_CURRENCIES as readonly string[]).includes(v);
}

/** The remembered pick, if any (browser only). */
export function savedCurrency(): SellingCurrency | null {
  try {
    const v = window.localStorage.getItem(CURRENCY_STORAGE_KEY);
    return isSellingCurrency(v) ? v : null;
  } catch {
    return null;
  }
}

/** This visitor's currency: the remembered pick, else the browser region's (browser only). */
export function visitorCurrency(): SellingCurrency {
  return savedCurrency() ?? currencyForLanguages(typeof navigator === "undefined" ? [] : navigator.languages);
}
