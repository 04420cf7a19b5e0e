// The workerd integration tests in shards side by side: `vitest run --shard=i/n` for each shard at
// once, each with a sandbox of its own (its global setup), so a shard's files see only each other.
// Within a shard the files run one after another, as the whole suite did: vitest runs at most
// (cores − 1) files at a time, one on a 2-core machine, and a file mostly waits (for workerd, the
// stand-ins, Postgres: measured, the sandbox process was idle 87% of the run and vitest 77%), so
// two shards take about half the time. Each shard costs its own vitest, workerd and sandbox (about
// +20 s CPU), hence two by default on a 2-core machine. Files share a sandbox's Stripe clock,
// faults and crons, so they are never run side by side within one shard.
// One Postgres serves every shard (a database per sandbox, from its template): the one `npm test`
// started (TEST_POSTGRES_ENV), or one started here. Each shard's output is printed whole when it
// ends; the exit code is non-zero if any shard failed.
//   node test/run-shards.ts [vitest args…]      GATEHOUSE_API_SHARDS=n (default 2)
import { spawn } from "node:child_process";
import { startTestCluster, TEST_POSTGRES_ENV } from "@gatehouse/sandbox/postgres";

const extra = process.argv.slice(2);
// A file filter (`… test:integration checkout`) runs as one shard: a shard left without files would fail.
const filtered = extra.some((a) => !a.startsWith("-"));
const count = filtered ? 1 : Math.max(1, Number(process.env.GATEHOUSE_API_SHARDS ?? 2) || 2);
const apiDir = new URL("..", import.meta.url).pathname;

const cluster = process.env[TEST_POSTGRES_ENV] ? null : await startTestCluster();
const env = { ...process.env, ...(cluster ? { [TEST_POSTGRES_ENV]: cluster.url } : {}) };

const started = Date.now();
const run = (index: number) =>
  new Promise<{ index: number; code: number | null; seconds: number }>((resolve) => {
    const out: Buffer[] = [];
    const child = spawn(
      process.execPath,
      [
        new URL("../node_modules/vitest/vitest.mjs", import.meta.url).pathname,
        "run",
        `--shard=${index}/${count}`,
        ...extra,
      ],
      { cwd: apiDir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => out.push(d));
    child.once("exit", (code) => {
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `\n── workerd tests, shard ${index}/${count} (${seconds.toFixed(1)} s) ──\n${Buffer.concat(out).toString("utf8")}`,
      );
      resolve({ index, code, seconds });
    });
  });

let results: Array<{ index: number; code: number | null; seconds: number }>;
try {
  results = await Promise.all(Array.from({ length: count }, (_, i) => run(i + 1)));
} finally {
  await cluster?.stop();
}
for (const r of results) {
  console.log(
    `shard ${r.index}/${count}: ${r.code === 0 ? "passed" : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s`,
  );
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
