import type { ReactNode } from "react";
import { I18nProvider, type Locale } from "@/features/i18n/index.ts";

/**
 * `locale`: the build-time render of a page's shell (prerender.tsx) names it; the browser detects it.
 * The QueryClient is not here: the parts that read data load TanStack Query with their own chunk and
 * its provider (with-query-client.tsx), so it is not in the entry chunk.
 */
export function AppProvider({ children, locale }: { children: ReactNode; locale?: Locale }) {
  return <I18nProvider initialLocale={locale}>{children}</I18nProvider>;
}
