import { defineConfig } from "vitest/config";

// One Postgres for the run (or the runner's); the test copies the template database.
export default defineConfig({
  test: {
    globalSetup: ["./src/test-cluster-setup.ts"],
    hookTimeout: 60_000,
  },
});
