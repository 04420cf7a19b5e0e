import { defineConfig } from "vitest/config";

// One Postgres for the run; each test file copies the template database (startTestDatabase).
export default defineConfig({
  test: {
    globalSetup: ["./src/postgres/test-cluster-setup.ts"],
    hookTimeout: 60_000,
  },
});
