import type { Plugin } from "vite";
import { headersFile } from "./security-headers.ts";

/** Writes dist/_headers (CSP, framing, HSTS, asset caching) from the VITE_* values of the build. */
export function securityHeaders(): Plugin {
  let env: Record<string, string> = {};
  return {
    name: "gatehouse:security-headers",
    apply: "build",
    configResolved(config) {
      env = config.env;
    },
    generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "_headers",
        source: headersFile({ supabaseUrl: env.VITE_SUPABASE_URL, apiUrl: env.VITE_API_URL }),
      });
    },
  };
}
