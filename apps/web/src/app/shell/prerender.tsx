// The build-time render of the pages that must paint before their JavaScript has run (issue 20):
// build/prerender-plugin.ts builds this module for Node after the client build and writes each
// page's HTML, in English and French, into its HTML file in dist/. The markup is the app's own
// first render (session still loading, plans not read yet; for /library, a visitor's, and that of a
// browser holding a Supabase session as a second render: build/shell-html.ts), so React hydrates it in the browser
// (main.tsx) instead of painting the page again.
import { StrictMode } from "react";
import { prerender } from "react-dom/static";
import { StaticRouter } from "react-router";
import { setSavedSessionAtBoot } from "@/features/auth/saved-session.ts";
import { loadDictionary, loadPageMessages } from "@/features/i18n/dictionaries.ts";
import type { Locale } from "@/features/i18n/index.ts";
import { AppProvider } from "../provider.tsx";
import { AppRoutes } from "../router.tsx";

/**
 * The app's HTML inside #root for `location` (path and query) in `locale`, lazy pages included:
 * with `savedSession`, that of a browser holding a Supabase session (src/features/auth/saved-session.ts).
 */
export async function renderShell(location: string, locale: Locale, savedSession = false): Promise<string> {
  await Promise.all([loadDictionary(locale), loadPageMessages()]);
  setSavedSessionAtBoot(savedSession);
  const { prelude } = await prerender(
    <StrictMode>
      <AppProvider locale={locale}>
        <StaticRouter location={location}>
          <AppRoutes />
        </StaticRouter>
      </AppProvider>
    </StrictMode>,
  );
  return new Response(prelude).text();
}
