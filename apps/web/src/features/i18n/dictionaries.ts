import { type Dictionary, en } from "./dictionary-en.ts";
import type { Locale } from "./locale.ts";

// English (the default) is in the entry chunk; French (~5 KB gzip) loads on demand, so a visitor
// downloads the language they read only. main.tsx loads the visitor's language before the first
// render, and a switch loads the new one before showing it.
const loaded: Partial<Record<Locale, Dictionary>> = { en };
const loading: Partial<Record<Locale, Promise<Dictionary>>> = {};

/** The locale's dictionary if it is here already. */
export function loadedDictionary(locale: Locale): Dictionary | undefined {
  return loaded[locale];
}

/** Loads the locale's dictionary (once); resolves at once for one already here. */
export function loadDictionary(locale: Locale): Promise<Dictionary> {
  const here = loaded[locale];
  if (here) return Promise.resolve(here);
  loading[locale] ??= import("./dictionary-fr.ts").then(
    ({ fr }) => {
      loaded.fr = fr;
      return fr;
    },
    (error: unknown) => {
      delete loading[locale];
      throw error;
    },
  );
  return loading[locale];
}
