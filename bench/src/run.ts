// `pnpm bench`: starts the whole stack on free ports, runs the scenarios, stops everything, writes
// bench/results/latest.json (or --out) and prints a markdown table. Exits 1 if a correctness check
// failed; missed performance targets are reported, not fatal.
import { join, resolve } from "node:path";
import { type Stack, startStack } from "@gatehouse/stack";
import pg from "pg";
import { parseBenchArgs, SCENARIOS, type ScenarioName } from "./args.ts";
import { gitRevision, machineInfo } from "./machine.ts";
import { type BenchReport, markdownTable, writeReport } from "./report.ts";
import type { ScenarioResult } from "./scenario.ts";
import { budgets } from "./scenarios/budgets.ts";
import { dbLimit } from "./scenarios/db-limit.ts";
import { peerSyncEngine } from "./scenarios/peer-sync-engine.ts";
import { timeToUnlock } from "./scenarios/time-to-unlock.ts";
import { type StormCapture, webhookStorm } from "./scenarios/webhook-storm.ts";
import { type BenchContext, type Sizes, standInStripe } from "./stack-context.ts";

const benchDir = resolve(import.meta.dirname, "..");
const repoRoot = resolve(benchDir, "..");
const args = parseBenchArgs(process.argv.slice(2));
const sizes: Sizes = args.smoke
  ? { stormCustomers: 20, deliveryConcurrency: 32, deliveryRate: 200, unlockRuns: 1, lighthouse: false }
  : { stormCustomers: 2000, deliveryConcurrency: 32, deliveryRate: 320, unlockRuns: 20, lighthouse: true };
if (args.customers !== null && args.customers > 0) sizes.stormCustomers = args.customers;
if (args.runs !== null && args.runs > 0) sizes.unlockRuns = args.runs;
if (args.lighthouse) sizes.lighthouse = true;
const out = args.out ? resolve(process.cwd(), args.out) : join(benchDir, "results", "latest.json");
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function failed(name: string, e: unknown, started: number): ScenarioResult {
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return {
    name,
    parameters: {},
    figures: {},
    targets: [],
    ok: false,
    problems: [`threw: ${message.slice(0, 2000)}`],
    notes: [],
    durationMs: Math.round(performance.now() - started),
  };
}

const machineAtStart = machineInfo();
const t0 = performance.now();
const results: ScenarioResult[] = [];
let stack: Stack | null = null;
let db: pg.Pool | null = null;
let stopping = false;
const stopAll = async () => {
  if (stopping) return;
  stopping = true;
  await db?.end().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
};
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the stack`);
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  log(`scenarios: ${args.scenarios.join(", ")} (${args.smoke ? "smoke" : "full"} sizes); starting the stack`);
  stack = await startStack({
    deliveryConcurrency: sizes.deliveryConcurrency,
    retrySchedule: [250, 500, 1000, 2000, 4000],
  });
  db = new pg.Pool({ connectionString: stack.urls.postgres, max: 8 });
  const stripe = standInStripe(stack.urls.stripeDirect, stack.keys.stripe, { maxNetworkRetries: 0 });
  const lighthouseReports = args.lighthouseReports ? resolve(process.cwd(), args.lighthouseReports) : null;
  const unlockTraces = args.unlockTraces ? resolve(process.cwd(), args.unlockTraces) : null;
  const ctx: BenchContext = { stack, db, stripe, sizes, lighthouseReports, unlockTraces, log };
  log(`stack up in ${Math.round(performance.now() - t0)} ms`);
  const want = (s: ScenarioName) => args.scenarios.includes(s);
  const run = async <T>(
    name: ScenarioName,
    fn: () => Promise<T>,
    pick: (v: T) => ScenarioResult,
  ): Promise<T | null> => {
    const started = performance.now();
    log(`${name}: start`);
    try {
      const v = await fn();
      const r = pick(v);
      results.push(r);
      log(`${name}: ${r.ok ? "ok" : "FAILED"} in ${Math.round(performance.now() - started)} ms`);
      return v;
    } catch (e) {
      results.push(failed(name, e, started));
      log(`${name}: threw ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  // Quiet-stack scenarios first, then the storm and what replays it.
  if (want("budgets"))
    await run(
      "budgets",
      () => budgets(ctx, repoRoot),
      (r) => r,
    );
  if (want("time_to_unlock"))
    await run(
      "time_to_unlock",
      () => timeToUnlock(ctx),
      (r) => r,
    );
  let storm: StormCapture | null = null;
  if (want("webhook_storm") || want("db_limit") || want("peer_sync_engine")) {
    const s = await run(
      "webhook_storm",
      () => webhookStorm(ctx),
      (v) => v.result,
    );
    storm = s?.capture ?? null;
  }
  const capture = storm;
  if (capture && want("db_limit"))
    await run(
      "db_limit",
      () => dbLimit(ctx, capture),
      (r) => r,
    );
  if (capture && want("peer_sync_engine"))
    await run(
      "peer_sync_engine",
      () => peerSyncEngine(ctx, capture),
      (r) => r,
    );
} catch (e) {
  results.push(failed("stack", e, t0));
} finally {
  await stopAll();
}

const machine = { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverageAtStart };
const git = gitRevision(repoRoot);
const timestamp = new Date().toISOString();
const report: BenchReport = {
  timestamp,
  git,
  machine,
  mode: args.smoke ? "smoke" : "full",
  totalMs: Math.round(performance.now() - t0),
  ok: results.every((r) => r.ok),
  scenarios: results.map((r) => ({ ...r, timestamp, git: git.revision, machine })),
};
writeReport(out, report, new Set<string>([...SCENARIOS, "stack"]));
console.log(markdownTable(report));
log(
  `wrote ${out} in ${Math.round(report.totalMs / 1000)} s: ${report.ok ? "all correctness checks passed" : "FAILED"}`,
);
process.exit(report.ok ? 0 : 1);
