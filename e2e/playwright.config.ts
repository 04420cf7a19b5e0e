import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@gatehouse/chromium";
import { defineConfig } from "@playwright/test";

// The whole flow in Debian's Chromium against the full local stack, which global-setup.ts starts
// on free ports (sandbox + wrangler dev + the production build of the SPA) and stops afterwards.
// Specs share a stack's Stripe clock, webhook pause and crons, so a stack serves one spec at a
// time: with two workers, global-setup.ts starts a stack per worker (stack-info.ts picks the
// worker's own), and the spec files are shared out between them. One worker against a stack
// given by hand (GATEHOUSE_STACK, src/serve-stack.ts) or the live services.
const workers =
  process.env.GATEHOUSE_STACK || process.env.GATEHOUSE_TARGET === "live"
    ? 1
    : Math.max(1, Number(process.env.GATEHOUSE_E2E_WORKERS ?? 2) || 1);

export default defineConfig({
  testDir: "./specs",
  globalSetup: "./src/global-setup.ts",
  fullyParallel: false,
  workers,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "./test-results",
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: "only-on-failure",
    // DOM snapshots and network, without the screencast (costly on a busy 2-core machine). Not in
    // CI: CI keeps only what the run prints, never test-results/, and recording costs about a
    // quarter of the run's CPU (plans.spec.ts: 38.8 s of user CPU with it, 28.5 s without).
    trace: process.env.CI ? "off" : { mode: "retain-on-failure", screenshots: false, snapshots: true },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
});
