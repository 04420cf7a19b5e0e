export { LanguageSwitch } from "./components/language-switch.tsx";
export type { MessageKey } from "./dictionary-en.ts";
export type { I18n } from "./i18n-context.ts";
export { I18nProvider } from "./i18n-provider.tsx";
export { INTL_LOCALE, type Locale } from "./locale.ts";
export type { Translate } from "./translate.ts";
export { useI18n } from "./use-i18n.ts";
