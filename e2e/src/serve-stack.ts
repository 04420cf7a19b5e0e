// Keeps one stack up between runs while writing specs:
//   node scripts/bootstrap.mjs node e2e/src/serve-stack.ts   (prints GATEHOUSE_STACK=…)
//   GATEHOUSE_STACK='…' node scripts/bootstrap.mjs pnpm --filter @gatehouse/e2e test
// global-setup.ts then reuses it instead of starting its own. Ctrl-C stops it.
import { startStack } from "@gatehouse/stack";

const stack = await startStack();
process.stdout.write(
  `GATEHOUSE_STACK=${JSON.stringify({ urls: stack.urls, prices: stack.prices, keys: stack.keys })}\n`,
);
const stop = () => {
  void stack.stop().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
