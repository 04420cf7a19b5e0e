import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";
import { I18nProvider } from "@/features/i18n/i18n-provider.tsx";
import type { Locale } from "@/features/i18n/locale.ts";

/** A fresh QueryClient that never retries, so each test sees its own cache and failures at once. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Number.POSITIVE_INFINITY }, mutations: { retry: false } },
  });
}

export function renderWithProviders(
  ui: ReactElement,
  {
    locale = "en",
    queryClient = createTestQueryClient(),
    route = "/",
  }: { locale?: Locale; queryClient?: QueryClient; route?: string } = {},
) {
  const result = render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider initialLocale={locale}>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
