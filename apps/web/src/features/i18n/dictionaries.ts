import { type Dictionary, enFirst } from "./dictionary-en.ts";
import type { Locale } from "./locale.ts";

// English (the default) is in the entry chunk, but only the texts of the shell, the landing page and
// pricing; the other pages' English texts (dictionary-en-pages.ts) load with those pages' chunks
// (loadPageMessages, awaited by every lazy page and dialog before it renders) and complete the same
// object in place. French (~5 KB gzip) loads whole on demand, so a visitor downloads the language
// they read only. main.tsx loads the visitor's language before the first render, and a switch loads
// the new one before showing it.
const en = { ...enFirst } as Dictionary;
const loaded: Partial<Record<Locale, Dictionary>> = { en };
const loading: Partial<Record<Locale, Promise<Dictionary>>> = {};
let pages: Promise<void> | undefined;

/** The locale's dictionary if it is here already (English: complete once loadPageMessages resolved). */
export function loadedDictionary(locale: Locale): Dictionary | undefined {
  return loaded[locale];
}

/** Loads the English texts of the pages other than landing and pricing (once). */
export function loadPageMessages(): Promise<void> {
  pages ??= import("./dictionary-en-pages.ts").then(
    ({ enPages }) => {
      Object.assign(en, enPages);
    },
    (error: unknown) => {
      pages = undefined;
      throw error;
    },
  );
  return pages;
}

/** Loads `load` (a page's or a dialog's chunk) together with the texts it may show. */
export function withPageMessages<T>(load: () => Promise<T>): () => Promise<T> {
  return () => Promise.all([load(), loadPageMessages()]).then(([module]) => module);
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
