import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { loadDictionary, loadedDictionary } from "./dictionaries.ts";
import type { Dictionary } from "./dictionary-en.ts";
import { type I18n, I18nContext } from "./i18n-context.ts";
import { INTL_LOCALE, LOCALE_STORAGE_KEY, type Locale, savedLocale, visitorLocale } from "./locale.ts";
import { createTranslate } from "./translate.ts";

interface Shown {
  locale: Locale;
  dictionary: Dictionary;
}

/** The locale with its dictionary, or English while the wanted one loads (main.tsx loads it before rendering). */
function shownFor(wanted: Locale): Shown {
  const dictionary = loadedDictionary(wanted);
  if (dictionary) return { locale: wanted, dictionary };
  return { locale: "en", dictionary: loadedDictionary("en") as Dictionary };
}

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [wanted, setWanted] = useState<Locale>(() => initialLocale ?? visitorLocale());
  const [shown, setShown] = useState<Shown>(() => shownFor(wanted));

  useEffect(() => {
    if (shown.locale === wanted) return;
    let live = true;
    loadDictionary(wanted).then(
      (dictionary) => {
        if (live) setShown({ locale: wanted, dictionary });
      },
      () => {
        // Offline, say: stay in the language shown; the next switch tries again.
        if (live) setWanted(shown.locale);
      },
    );
    return () => {
      live = false;
    };
  }, [wanted, shown.locale]);

  const setLocale = useCallback((next: Locale) => {
    setWanted(next);
    const dictionary = loadedDictionary(next);
    if (dictionary) setShown({ locale: next, dictionary });
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this visit only.
    }
  }, []);

  // A language picked on a prerendered page while React hydrated it was remembered by the shell
  // script (shell-script.ts), not seen by React, whose first render is the language it started in.
  useEffect(() => {
    if (initialLocale !== undefined) return;
    const saved = savedLocale();
    if (saved !== null && saved !== wanted) setLocale(saved);
    // Once, when the app has committed: later picks are React's.
  }, []);

  const { locale, dictionary } = shown;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(
    () => ({ locale, intlLocale: INTL_LOCALE[locale], setLocale, t: createTranslate(dictionary) }),
    [locale, dictionary, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
