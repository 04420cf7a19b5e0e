import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LiveStack, type Stack, startLiveStack, startStack } from "@gatehouse/stack";
import { readLiveConfig } from "./live-config.ts";

/**
 * Starts the stack once for the run and hands its URLs to the specs through the environment: the
 * sandbox (`npm test`), or with GATEHOUSE_TARGET=live the real services of `.env.live`
 * (`npm run test:live`, through src/live.ts, which checks the configuration first).
 */
export default async function globalSetup() {
  // A stack already up (src/serve-stack.ts) is reused as is.
  if (process.env.GATEHOUSE_STACK) return async () => {};
  // Everything the API and the SPA's server print, timed, for reading a failed spec beside it.
  process.env.GATEHOUSE_STACK_LOG ??= join(import.meta.dirname, "..", "stack.log");
  writeFileSync(process.env.GATEHOUSE_STACK_LOG, "");
  console.log(`[e2e] the stack's output: ${process.env.GATEHOUSE_STACK_LOG}`);
  let stack: Stack | LiveStack;
  if (process.env.GATEHOUSE_TARGET === "live") {
    const live = readLiveConfig(process.env);
    if (live.kind !== "ready") throw new Error("GATEHOUSE_TARGET=live: run it through `npm run test:live`");
    stack = await startLiveStack(live.config);
  } else {
    stack = await startStack();
  }
  process.env.GATEHOUSE_STACK = JSON.stringify({
    target: stack.target,
    urls: stack.urls,
    prices: stack.prices,
    keys: stack.keys,
  });
  return async () => {
    await stack.stop();
  };
}
