import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { prerenderShells } from "./build/prerender-plugin.ts";
import { productionGuard } from "./build/production-guard-plugin.ts";
import { securityHeaders } from "./build/security-headers-plugin.ts";

// What the success page's boot loads on demand (src/main.tsx: the route's chunk with the pages'
// texts and the QueryClient's provider, supabase-js for the session, the API client for the early
// sync), announced in its own HTTP answer so the browser fetches them with the HTML instead of after
// the entry has run.
const SUCCESS_PAGE_BOOT = [
  "src/app/routes/billing-success.tsx",
  "src/features/i18n/dictionary-en-pages.ts",
  "src/lib/query-provider.tsx",
  "@supabase/supabase-js",
  "src/lib/gatehouse-api.ts",
];

// The pages that paint from their HTML, before the entry has run (build/prerender-plugin.ts): the
// landing (hero and pricing), the library and the success page, each as the app first renders it,
// with the CSS of the chunk it loads on demand (the landing's pricing, a page). The landing's and the
// library's entry starts after their first frame (ShellPage.entryAfterPaint); the success page's
// boot is on the pay → content path, its entry stays in its HTML.
const shells = prerenderShells([
  {
    path: "/",
    file: "index.html",
    varies: ["checkout"],
    module: "src/app/routes/landing-pricing.tsx",
    entryAfterPaint: true,
  },
  {
    path: "/library",
    file: "library.html",
    module: "src/app/routes/library.tsx",
    visitor: true,
    entryAfterPaint: true,
    // Hides the visitor's render from a browser holding a Supabase session until it is swapped.
    headScript: "src/app/shell/session-mark-script.ts",
  },
  {
    path: "/billing/success",
    file: "billing/success.html",
    module: "src/app/routes/billing-success.tsx",
    location: "/billing/success?session_id=cs_prerendered",
    requires: ["session_id"],
    // Sends the sync from the HTML, before the entry has loaded (features/billing/api/html-sync.ts).
    headScript: "src/app/shell/success-sync-script.ts",
  },
]);

export default defineConfig({
  plugins: [
    react(),
    productionGuard(),
    shells,
    securityHeaders({ "/billing/success": SUCCESS_PAGE_BOOT }, shells.inlineSources),
  ],
  resolve: { alias: { "@": decodeURIComponent(new URL("./src", import.meta.url).pathname) } },
  build: {
    target: "es2022",
    sourcemap: false,
    // Rolldown warns when plugins take most of the build: the prerendered pages' plugin runs a
    // build for Node and renders six pages inside it, on purpose (about 2 s of a 4 s build).
    rolldownOptions: {
      checks: { bundlerTimings: false },
      output: {
        codeSplitting: {
          groups: [
            // TanStack Query and the app's one QueryClient in one chunk, loaded with the first part
            // that reads data (src/app/with-query-client.tsx), not one chunk per shared subset of
            // its modules (seven, 3.3 KiB more gzip over the app). Without their dependencies: React
            // stays in the entry's chunks, which do not import this one.
            {
              name: "tanstack-query",
              test: /node_modules[\\/]@tanstack[\\/]|src[\\/]lib[\\/]query-(client|provider)\.tsx?$/,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
});
