import { defineConfig } from "vitest/config";

// Unit tests: pure logic with a fake `Services` and routes through `app.request()`, in Node, with no
// sandbox (no global setup). The workerd integration tests against the sandbox are vitest.config.ts.
export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
