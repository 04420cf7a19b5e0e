import type { Plugin } from "vite";
import { type BuiltBundle, linkHeader, type RoutePreloadSpec, routePreloads } from "./route-preloads.ts";
import { headersFile, type InlineSources } from "./security-headers.ts";

/**
 * Writes dist/_headers (CSP, framing, HSTS, asset caching) from the VITE_* values of the build, and
 * for each path of `preloads` a Link header naming the chunks that path's boot loads on demand;
 * `inline` gives the CSP hash sources of the build's inline scripts and styles.
 */
export function securityHeaders(
  preloads: RoutePreloadSpec = {},
  inline: () => InlineSources = () => ({ scripts: [], styles: [] }),
): Plugin {
  let env: Record<string, string> = {};
  let base = "/";
  return {
    name: "gatehouse:security-headers",
    apply: "build",
    // With the prerendered pages' plugin (listed before it), to know their inline scripts and styles.
    enforce: "post",
    configResolved(config) {
      env = config.env;
      base = config.base;
    },
    generateBundle(_options, bundle) {
      const perPath = routePreloads(bundle as unknown as BuiltBundle, preloads);
      const links = Object.fromEntries(Object.entries(perPath).map(([path, p]) => [path, linkHeader(p, base)]));
      this.emitFile({
        type: "asset",
        fileName: "_headers",
        source: headersFile({ supabaseUrl: env.VITE_SUPABASE_URL, apiUrl: env.VITE_API_URL }, links, inline()),
      });
    },
  };
}
