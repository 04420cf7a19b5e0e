// `npm test`: everything CI checks. `npm run test:quick` (this with --quick): the fast loop, with no
// browser and no stack. Both: lint, typecheck, then the packages' tests against one Postgres for the
// whole run (each test file copies its template database). Stops at the first failing step and
// prints, at the end, how long each step and each package took, longest first.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const quick = process.argv.includes("--quick");

interface Job {
  /** The workspace package and its script. */
  pkg: string;
  script: string;
}

// Unit and database tests: no browser, no stack; two at a time (their waits overlap).
const unitJobs: Job[] = [
  { pkg: "@gatehouse/sandbox", script: quick ? "test:quick" : "test" },
  { pkg: "@gatehouse/web", script: "test" },
  { pkg: "@gatehouse/supabase", script: "test" },
  { pkg: "@gatehouse/api", script: "test:quick" },
  { pkg: "@gatehouse/types", script: "test" },
];
// Each starts a sandbox or a whole stack (ports, browsers, workerd): one at a time.
const stackJobs: Job[] = quick
  ? []
  : [
      { pkg: "@gatehouse/api", script: "test:integration" },
      { pkg: "@gatehouse/e2e", script: "test" },
      { pkg: "@gatehouse/bench", script: "test" },
    ];

const timings: Array<{ what: string; seconds: number }> = [];
const started = Date.now();
const secondsSince = (t: number) => (Date.now() - t) / 1000;

function fail(what: string, code: number | null): never {
  console.error(`✖ ${what} failed (exit ${code ?? "signal"})`);
  report();
  process.exit(code || 1);
}

/** Runs a command with the terminal; records its time. */
function step(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = Date.now();
  console.log(`\n▶ ${what}: ${cmd} ${args.join(" ")}`);
  return new Promise((resolve) => {
    spawn(cmd, args, { stdio: "inherit", env }).once("exit", (code) => {
      timings.push({ what, seconds: secondsSince(t) });
      if (code !== 0) fail(what, code);
      console.log(`✔ ${what} in ${secondsSince(t).toFixed(1)} s`);
      resolve();
    });
  });
}

/** Runs jobs `concurrency` at a time, each one's output printed whole when it ends. */
async function runJobs(jobs: Job[], concurrency: number, env: NodeJS.ProcessEnv): Promise<void> {
  const queue = [...jobs];
  const failures: string[] = [];
  const worker = async () => {
    for (let job = queue.shift(); job && failures.length === 0; job = queue.shift()) {
      const what = `${job.pkg} ${job.script}`;
      const t = Date.now();
      console.log(`▶ ${what}`);
      const out: Buffer[] = [];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn("pnpm", ["--filter", job.pkg, "run", job.script], {
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => out.push(d));
        child.once("exit", resolve);
      });
      timings.push({ what, seconds: secondsSince(t) });
      process.stdout.write(`\n── ${what} ──\n${Buffer.concat(out).toString("utf8")}`);
      if (code === 0) console.log(`✔ ${what} in ${secondsSince(t).toFixed(1)} s`);
      else failures.push(`${what} (exit ${code ?? "signal"})`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures.length) fail(failures.join(", "), 1);
}

/** The run's one Postgres with the template database (packages/sandbox/src/postgres). */
async function startPostgres(): Promise<{ url: string; child: ChildProcess }> {
  const t = Date.now();
  const child = spawn(process.execPath, ["packages/sandbox/src/postgres/test-cluster-process.ts"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the test Postgres exited early (${code})`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  timings.push({ what: "Postgres + template database", seconds: secondsSince(t) });
  return { url, child };
}

function report(): void {
  const total = secondsSince(started);
  console.log(`\n${quick ? "test:quick" : "npm test"}: time per step and package, longest first`);
  for (const { what, seconds } of [...timings].sort((a, b) => b.seconds - a.seconds)) {
    console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${what}`);
  }
  console.log(`  ${total.toFixed(1).padStart(6)} s  total (wall clock; the unit and database tests run two at a time)`);
}

await step("lint", "biome", ["check", "."]);
await step("typecheck", "turbo", ["run", "typecheck", "--output-logs=errors-only"]);
await step("typecheck scripts", "tsc", ["-p", "tsconfig.scripts.json"]);

const postgres = await startPostgres();
const env = { ...process.env, GATEHOUSE_TEST_POSTGRES_URL: postgres.url };
try {
  let t = Date.now();
  console.log(`\n▶ unit and database tests (${unitJobs.length} packages, two at a time)`);
  await runJobs(unitJobs, 2, env);
  timings.push({ what: "unit and database tests (wall clock)", seconds: secondsSince(t) });
  if (stackJobs.length) {
    t = Date.now();
    console.log(`\n▶ integration, browser and stack tests (one at a time)`);
    await runJobs(stackJobs, 1, env);
    timings.push({ what: "integration, browser and stack tests (wall clock)", seconds: secondsSince(t) });
  }
} finally {
  postgres.child.stdin?.end();
}
// Every Worker builds for deploy (SPA with production-like values, API minified), no upload.
if (!quick) await step("check:deploy", "pnpm", ["run", "check:deploy"]);

report();
console.log(`\nall checks passed in ${secondsSince(started).toFixed(1)} s`);
