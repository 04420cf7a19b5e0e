// Inlined into the success page's HTML (dist/billing/success.html, in its <head>: build/
// prerender-plugin.ts; the CSP allows it by its hash), it sends the sync, and the content read
// once that says active, before the entry has even downloaded; the entry adopts those requests
// (features/billing/api/html-sync.ts). The VITE_* values are inlined by the build, as in the entry.
import { getEnvResult } from "@/config/env.ts";
import { HTML_SYNC_KEY, type HtmlSyncHolder, startHtmlSync } from "@/features/billing/api/html-sync.ts";
import { savedSession } from "@/features/billing/api/stored-session.ts";

try {
  const env = getEnvResult();
  if (env.ok) {
    const sync = startHtmlSync(new URL(window.location.href), savedSession(env.env.supabaseUrl), env.env);
    if (sync) (window as HtmlSyncHolder)[HTML_SYNC_KEY] = sync;
  }
} catch {
  // Nothing sent: the entry's early sync sends it, as on a page without this script.
}
