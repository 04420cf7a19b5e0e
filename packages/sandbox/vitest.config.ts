import { defineConfig } from "vitest/config";

// One Postgres for the run; each test file copies the template database (startTestDatabase).
export default defineConfig({
  test: {
    // The Stripe schemas are generated (≈ 20 s, then cached) before the files start: see src/stripe/README.md.
    globalSetup: ["./src/postgres/test-cluster-setup.ts", "./src/stripe/conformance/schemas-global-setup.ts"],
    hookTimeout: 60_000,
    // The files mostly wait (sockets, timers, Postgres), so four at a time even on two cores: the
    // package's run took 67 s instead of 119 s with vitest's default (one per core) on a loaded
    // 2-core machine.
    maxWorkers: 4,
  },
});
