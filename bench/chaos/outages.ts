import type { ChaosContext } from "./context.ts";
import type { PartResult } from "./figures.ts";

export async function runOutages(_ctx: ChaosContext): Promise<PartResult> {
  return { part: "outages", durationMs: 0, notes: [], figures: [] };
}
