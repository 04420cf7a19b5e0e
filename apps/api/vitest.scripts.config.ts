import { defineConfig } from "vitest/config";

// The operations scripts (scripts/*.ts) run in Node, not workerd: their tests start their own
// throw-away sandbox and call the API's services from Node.
export default defineConfig({
  test: {
    environment: "node",
    include: ["scripts/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
