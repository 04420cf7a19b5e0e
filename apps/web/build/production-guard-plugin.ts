import type { Plugin } from "vite";
import { checkWebProductionConfig } from "../src/config/production-config.ts";

/**
 * `vite build --mode production` refuses VITE_* values that belong to the sandbox or to this
 * machine (they would ship to every visitor). Local bundles of the sandbox build with
 * `--mode sandbox`. Missing values only warn: the app then names them on screen.
 */
export function productionGuard(): Plugin {
  return {
    name: "gatehouse:production-guard",
    apply: "build",
    configResolved(config) {
      if (config.mode !== "production") return;
      const { problems, missing } = checkWebProductionConfig(config.env);
      if (problems.length > 0) {
        const error = new Error(
          `refusing a production build with sandbox or local values (${problems.length} problem(s)):\n${problems
            .map((p) => `  - ${p}`)
            .join("\n")}`,
        );
        // The message says it all: Vite prints the stack, which would only add this file's frames.
        error.stack = error.message;
        throw error;
      }
      if (missing.length > 0) {
        config.logger.warn(
          `production build without ${missing.join(", ")}: the app will show a configuration error instead of starting`,
        );
      }
    },
  };
}
