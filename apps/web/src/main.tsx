import "./styles/index.css";
import { StrictMode, startTransition } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { App } from "./app/app.tsx";
import { EnvError } from "./app/env-error.tsx";
import { preloadRoute } from "./app/router.tsx";
import { getEnvResult } from "./config/env.ts";
import { startEarlySync } from "./features/billing/api/early-sync.ts";
import { savedSession } from "./features/billing/api/stored-session.ts";
import { loadDictionary, loadedDictionary } from "./features/i18n/dictionaries.ts";
import { visitorLocale } from "./features/i18n/locale.ts";
import { getSupabase } from "./lib/supabase.ts";
import { timingMark } from "./lib/timing-mark.ts";

timingMark("gh:boot");

const root = document.getElementById("root");
if (root) {
  const env = getEnvResult();
  let routeReady = Promise.resolve();
  if (env.ok) {
    // Fetch supabase-js and this page's chunk in parallel with the first render, not after it.
    void getSupabase();
    routeReady = preloadRoute(window.location.pathname);
    // On the success page, adopts the sync its HTML sent (features/billing/api/html-sync.ts).
    // Storage blocked: no saved session, the early sync waits for supabase-js.
    startEarlySync(new URL(window.location.href), getSupabase, undefined, () => savedSession(env.env.supabaseUrl));
  }
  const render = () => {
    const app = <StrictMode>{env.ok ? <App /> : <EnvError problems={env.problems} />}</StrictMode>;
    // A prerendered page the inline script kept (build/prerender-plugin.ts) is this render already,
    // unless the visitor picked another language on it meanwhile (shell-script.ts remembered it).
    // Hydrated in a transition, React yields to the browser every few ms instead of one long task
    // (an event on the page meanwhile hydrates its part at once).
    const shell = root.dataset.shell !== undefined && root.dataset.shellLocale === visitorLocale();
    if (env.ok && shell) startTransition(() => void hydrateRoot(root, app));
    else createRoot(root).render(app);
    delete root.dataset.shell;
  };
  // The visitor's language before the first paint (French is its own chunk; English is here). The
  // success page renders with its chunk (sent with its HTML): no fallback first, which would hold
  // the page back 300 ms (router.tsx, lazyRoute).
  const locale = visitorLocale();
  const waits = [
    ...(loadedDictionary(locale) ? [] : [loadDictionary(locale)]),
    ...(window.location.pathname.replace(/\/+$/, "") === "/billing/success" ? [routeReady] : []),
  ];
  if (waits.length === 0) render();
  else Promise.all(waits).then(render, render);
}
