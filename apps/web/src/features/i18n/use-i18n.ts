import { useContext } from "react";
import { type I18n, I18nContext } from "./i18n-context.ts";

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n must be used inside <I18nProvider>");
  return value;
}
