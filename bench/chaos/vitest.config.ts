// The fast, deterministic parts of the chaos suite as ordinary tests, against a whole stack:
// `vitest run -c bench/chaos/vitest.config.ts` (from the repo root, through the bootstrap).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["chaos-fast.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
