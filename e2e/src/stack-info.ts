import type { Stack } from "./start-stack.ts";

export type StackInfo = Pick<Stack, "urls" | "prices" | "keys">;

/** What global-setup.ts started, as the specs see it. */
export function stackInfo(): StackInfo {
  const raw = process.env.GATEHOUSE_STACK;
  if (!raw)
    throw new Error(
      "GATEHOUSE_STACK is not set: run the specs through `playwright test` (global setup starts the stack)",
    );
  return JSON.parse(raw) as StackInfo;
}
