// `npm run chaos` (or `pnpm chaos`): starts the whole product on free ports, attacks it part by
// part, stops everything, merges the chaos_* figures into bench/results/latest.json and prints a
// table. Exit code 1 when any "must be 0" figure is not 0.
//   --smoke          small sizes (seconds per part)
//   --only=a,b       run only these parts (names as in the table); add --merge to replace just
//                    their figures in the results file
//   --out=<file>     results file (default bench/results/latest.json; smoke: chaos-smoke.tmp.json)
import { join } from "node:path";
import { repoRoot } from "@gatehouse/sandbox";
import { startStack } from "@gatehouse/stack";
import { runAccessAttacks } from "./access-attacks.ts";
import { runBadInput } from "./bad-input.ts";
import { runCheckoutAbuse } from "./checkout-abuse.ts";
import { type ChaosContext, createContext, sandboxControl } from "./context.ts";
import { runEmailFaults } from "./email-faults.ts";
import { failures, markdownTable, mergeResults, type PartResult } from "./figures.ts";
import { runHostileDelivery } from "./hostile-delivery.ts";
import { runOutages } from "./outages.ts";
import { runQueueFaults } from "./queue-faults.ts";
import { runRateLimits } from "./rate-limits.ts";
import { runSecretsScan } from "./secrets-scan.ts";
import { runSignatureFuzz } from "./signature-fuzz.ts";

/** Stripe-like backoff, compressed: long enough to outlast a 30 s outage. */
export const CHAOS_RETRY_SCHEDULE = [500, 1000, 2000, 4000, 8000, 12_000, 16_000, 20_000, 30_000];

export const PARTS: Record<string, (ctx: ChaosContext) => Promise<PartResult>> = {
  "signature-fuzz": runSignatureFuzz,
  "bad-input": runBadInput,
  "access-attacks": runAccessAttacks,
  "checkout-abuse": runCheckoutAbuse,
  "hostile-delivery": runHostileDelivery,
  outages: runOutages,
  "queue-faults": runQueueFaults,
  "email-faults": runEmailFaults,
  "rate-limits": runRateLimits,
  "secrets-scan": runSecretsScan,
};

async function main() {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const only = args
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",");
  // A smoke run never overwrites the committed figures.
  const defaultOut = smoke ? "bench/results/chaos-smoke.tmp.json" : "bench/results/latest.json";
  const out = args.find((a) => a.startsWith("--out="))?.slice(6) ?? join(repoRoot, defaultOut);
  const names = Object.keys(PARTS).filter((n) => !only || only.includes(n));
  const started = performance.now();
  const log = (line: string) => console.error(`[chaos] ${line}`);
  log(`starting the stack (${smoke ? "smoke" : "full"} run: ${names.join(", ")})`);
  const stack = await startStack({ retrySchedule: CHAOS_RETRY_SCHEDULE });
  const ctx = createContext(stack, smoke, log);
  // Stripe's rate limits off for the parts about something else (forged input, access, outages):
  // their drivers read every user's state at Stripe every second, far above the limits. The
  // queue-faults part turns them on for its storm.
  await sandboxControl(ctx, "limits", { perSecond: 0, perEndpointPerSecond: 0 });
  const parts: PartResult[] = [];
  const stopAll = async () => {
    await ctx.db.end().catch(() => undefined);
    await stack.stop();
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (const name of names) {
      const run = PARTS[name];
      if (!run) continue;
      log(`part ${name}…`);
      const t0 = performance.now();
      try {
        const result = await run(ctx);
        parts.push(result);
        log(`part ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        for (const n of result.notes.slice(0, 15)) log(`  ${name}: ${n}`);
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        log(`part ${name} crashed: ${message}`);
        parts.push({
          part: name,
          durationMs: Math.round(performance.now() - t0),
          notes: [`crashed: ${message}`],
          figures: [
            {
              name: `chaos_${name.replace(/-/g, "_")}_crashed`,
              value: 1,
              unit: "crash",
              mustBeZero: true,
            },
          ],
        });
      }
    }
  } finally {
    await stopAll();
  }
  const durationMs = Math.round(performance.now() - started);
  if (!only) mergeResults(out, parts, { smoke, ranAt: new Date().toISOString(), durationMs });
  else if (args.includes("--merge"))
    mergeResults(out, parts, { smoke, ranAt: new Date().toISOString(), durationMs }, names);
  else log(`--only given without --merge: ${out} left as it was`);
  console.log(markdownTable(parts));
  console.log(`\nchaos took ${(durationMs / 1000).toFixed(1)} s${smoke ? " (smoke)" : ""}`);
  const failed = failures(parts);
  if (failed.length) {
    console.log(`\n${failed.length} "must be 0" figure(s) are not 0: ${failed.map((f) => f.name).join(", ")}`);
    process.exit(1);
  }
}

await main();
