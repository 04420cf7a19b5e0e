import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LiveStack, type Stack, startLiveStack, startStack } from "@gatehouse/stack";
import type { FullConfig } from "@playwright/test";
import { readLiveConfig } from "./live-config.ts";
import { STACKS_ENV } from "./stack-info.ts";

/**
 * Starts the stacks for the run and hands their URLs to the specs through the environment: the
 * sandbox (`npm test`), one stack per worker (a stack serves one spec at a time: specs share its
 * Stripe clock), or with GATEHOUSE_TARGET=live the real services of `.env.live`
 * (`npm run test:live`, through src/live.ts, which checks the configuration first).
 */
export default async function globalSetup(config: FullConfig) {
  // A stack already up (src/serve-stack.ts) is reused as is.
  if (process.env.GATEHOUSE_STACK) return async () => {};
  // Everything the API and the SPA's server print, timed, for reading a failed spec beside it.
  process.env.GATEHOUSE_STACK_LOG ??= join(import.meta.dirname, "..", "stack.log");
  writeFileSync(process.env.GATEHOUSE_STACK_LOG, "");
  console.log(`[e2e] the stack's output: ${process.env.GATEHOUSE_STACK_LOG}`);
  let stacks: Array<Stack | LiveStack>;
  if (process.env.GATEHOUSE_TARGET === "live") {
    const live = readLiveConfig(process.env);
    if (live.kind !== "ready") throw new Error("GATEHOUSE_TARGET=live: run it through `npm run test:live`");
    stacks = [await startLiveStack(live.config)];
  } else {
    // Each stack's lines in the log are tagged with its worker's slot when there are several.
    const started = await Promise.allSettled(
      Array.from({ length: config.workers }, (_, i) => startStack(config.workers > 1 ? { logTag: `w${i}` } : {})),
    );
    const up = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(up.map((s) => s.stop()));
      throw failed.reason;
    }
    stacks = up;
  }
  process.env[STACKS_ENV] = JSON.stringify(
    stacks.map((stack) => ({ target: stack.target, urls: stack.urls, prices: stack.prices, keys: stack.keys })),
  );
  return async () => {
    await Promise.all(stacks.map((s) => s.stop()));
  };
}
