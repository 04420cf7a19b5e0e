import type { Stack } from "@gatehouse/stack";

export type StackInfo = Pick<Stack, "target" | "urls" | "prices" | "keys">;

/** What global-setup.ts started, as the specs see it. */
export function stackInfo(): StackInfo {
  const raw = process.env.GATEHOUSE_STACK;
  if (!raw)
    throw new Error(
      "GATEHOUSE_STACK is not set: run the specs through `playwright test` (global setup starts the stack)",
    );
  const info = JSON.parse(raw) as Partial<StackInfo>;
  return { ...(info as StackInfo), target: info.target ?? "sandbox" };
}

/** Against real Stripe and Supabase (`npm run test:live`) rather than the stand-ins. */
export function isLive(): boolean {
  return stackInfo().target === "live";
}
