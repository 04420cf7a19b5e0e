// How `vitest run --shard=i/n` splits the workerd integration files (test/run-shards.ts runs the
// shards side by side, each against a sandbox of its own). Vitest's own split cuts the sorted list
// by count, which can put the three longest files in one shard; this one balances measured times
// (longest first, each file to the least loaded shard). A file missing from the table still runs,
// counted at DEFAULT_SECONDS: add it here once its time is known (vitest prints it per file).
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Seconds per file, measured on a loaded 2-core machine (2026-12-02, one file at a time). */
const SECONDS: Record<string, number> = {
  "stripe-webhook.test.ts": 44,
  "purchases.test.ts": 30,
  "checkout.test.ts": 20,
  "sync-queue.test.ts": 18,
  "access-history.test.ts": 14,
  "admin.test.ts": 13,
  "change-plan.test.ts": 11,
  "rate-limits.test.ts": 11,
  "features.test.ts": 8,
  "foreign-events.test.ts": 6,
  "billing.test.ts": 6,
  "token-claims.test.ts": 5,
  "emails.test.ts": 4,
  "me.test.ts": 3,
  "sellable-prices.test.ts": 1,
  "webhook-limits.test.ts": 1,
};
const DEFAULT_SECONDS = 8;
/** What each file costs beyond its tests: a workerd runtime of its own, the worker's modules imported. */
const PER_FILE_SECONDS = 3;

const weightOf = (moduleId: string) =>
  (SECONDS[moduleId.split("/").at(-1) ?? ""] ?? DEFAULT_SECONDS) + PER_FILE_SECONDS;

/** Splits files into `count` shards of about equal measured time; the same split in every shard's process. */
export function balance<T>(files: readonly T[], idOf: (file: T) => string, count: number): T[][] {
  const shards = Array.from({ length: count }, () => ({ load: 0, files: [] as T[] }));
  const ordered = [...files].sort((a, b) => weightOf(idOf(b)) - weightOf(idOf(a)) || idOf(a).localeCompare(idOf(b)));
  for (const file of ordered) {
    const lightest = shards.reduce((min, s) => (s.load < min.load ? s : min));
    lightest.files.push(file);
    lightest.load += weightOf(idOf(file));
  }
  return shards.map((s) => s.files);
}

export class BalancedShards extends BaseSequencer {
  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { index, count } = this.ctx.config.shard ?? { index: 1, count: 1 };
    return balance(files, (f) => f.moduleId, count)[index - 1] ?? [];
  }
}
