import { QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { I18nProvider, type Locale } from "@/features/i18n/index.ts";
import { createQueryClient } from "@/lib/query-client.ts";

/** `locale`: the build-time render of a page's shell (prerender.tsx) names it; the browser detects it. */
export function AppProvider({ children, locale }: { children: ReactNode; locale?: Locale }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider initialLocale={locale}>{children}</I18nProvider>
    </QueryClientProvider>
  );
}
