import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { en } from "./dictionary-en.ts";
import { fr } from "./dictionary-fr.ts";
import { type I18n, I18nContext } from "./i18n-context.ts";
import { detectLocale, INTL_LOCALE, LOCALE_STORAGE_KEY, type Locale } from "./locale.ts";
import { createTranslate } from "./translate.ts";

const DICTIONARIES = { en, fr } as const;

function readStored(): string | null {
  try {
    return window.localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  if (navigator.languages.length > 0) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(
    () => initialLocale ?? detectLocale(readStored(), browserLanguages()),
  );

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this visit only.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(
    () => ({ locale, intlLocale: INTL_LOCALE[locale], setLocale, t: createTranslate(DICTIONARIES[locale]) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
