import type { Stack } from "@gatehouse/stack";

export type StackInfo = Pick<Stack, "target" | "urls" | "prices" | "keys">;

/** Where global-setup.ts leaves the stacks it started (a JSON array, one per worker). */
export const STACKS_ENV = "GATEHOUSE_STACKS";

/**
 * The stack this worker's specs use: the one global-setup.ts started for its parallel slot
 * (TEST_PARALLEL_INDEX, 0 … workers − 1), or the one given by hand in GATEHOUSE_STACK.
 */
export function stackInfo(): StackInfo {
  const byHand = process.env.GATEHOUSE_STACK;
  const all = process.env[STACKS_ENV];
  if (!byHand && !all)
    throw new Error(
      "no stack: run the specs through `playwright test` (global setup starts the stacks) or set GATEHOUSE_STACK (src/serve-stack.ts)",
    );
  let info: Partial<StackInfo>;
  if (byHand) info = JSON.parse(byHand) as Partial<StackInfo>;
  else {
    const stacks = JSON.parse(all ?? "[]") as Partial<StackInfo>[];
    const slot = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
    info = stacks[slot % stacks.length] ?? {};
  }
  return { ...(info as StackInfo), target: info.target ?? "sandbox" };
}

/** Against real Stripe and Supabase (`npm run test:live`) rather than the stand-ins. */
export function isLive(): boolean {
  return stackInfo().target === "live";
}
