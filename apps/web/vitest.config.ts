import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "happy-dom",
      include: ["src/**/*.test.{ts,tsx}", "build/**/*.test.ts"],
      setupFiles: ["./src/testing/setup-tests.ts"],
      restoreMocks: true,
      // One happy-dom per worker instead of one per file: the environment's set-up was 50% of the
      // run (about 6x slower). Tests share nothing but the window: setup-tests.ts cleans the DOM
      // and localStorage after each test, and restoreMocks undoes spies.
      isolate: false,
    },
  }),
);
