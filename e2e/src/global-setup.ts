import { startStack } from "./start-stack.ts";

/** Starts the stack once for the run and hands its URLs to the specs through the environment. */
export default async function globalSetup() {
  // A stack already up (src/serve-stack.ts) is reused as is.
  if (process.env.GATEHOUSE_STACK) return async () => {};
  const stack = await startStack();
  process.env.GATEHOUSE_STACK = JSON.stringify({ urls: stack.urls, prices: stack.prices, keys: stack.keys });
  return async () => {
    await stack.stop();
  };
}
