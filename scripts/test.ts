// `npm test`: everything CI checks. `npm run test:quick` (this with --quick): the fast loop, with no
// browser and no stack. Both: lint, typecheck, then the packages' tests in two lanes side by side,
// against one Postgres for the whole run (each test file copies its template database). Stops at
// the first failure and prints, at the end, how long each step and each package took, longest first.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const quick = process.argv.includes("--quick");

interface Job {
  /** What the summary calls it. */
  what: string;
  cmd: string;
  args: string[];
}

const pkg = (name: string, script: string): Job => ({
  what: `${name} ${script}`,
  cmd: "pnpm",
  args: ["--filter", name, "run", script],
});

// Two lanes run side by side, each one job after another (their waits overlap on two cores).
// The API's workerd tests and the benchmark each start a sandbox or a whole stack: one lane. The
// unit and database tests (no browser, no stack), the deploy builds and the browser specs: the
// other. Balanced on measured times.
const unitJobs: Job[] = [
  pkg("@gatehouse/sandbox", quick ? "test:quick" : "test"),
  pkg("@gatehouse/web", "test"),
  pkg("@gatehouse/supabase", "test"),
  pkg("@gatehouse/api", "test:quick"),
  pkg("@gatehouse/types", "test"),
  pkg("@gatehouse/billing", "test"),
  pkg("@gatehouse/db-types", "test"),
];
const lanes: Job[][] = quick
  ? [unitJobs.slice(0, 1), unitJobs.slice(1)]
  : [
      [pkg("@gatehouse/api", "test:integration"), pkg("@gatehouse/bench", "test")],
      [
        ...unitJobs,
        // Every Worker builds for deploy (SPA with production-like values, API minified), no upload.
        { what: "check:deploy", cmd: "pnpm", args: ["run", "check:deploy"] },
        pkg("@gatehouse/e2e", "test"),
      ],
    ];

const timings: Array<{ what: string; seconds: number }> = [];
const started = Date.now();
const secondsSince = (t: number) => (Date.now() - t) / 1000;

/** Every exit path ends here or at the end: the run's Postgres is stopped before the process exits. */
async function exit(code: number): Promise<never> {
  await stopPostgres();
  process.exit(code);
}

async function fail(what: string, code: number | null): Promise<never> {
  console.error(`✖ ${what} failed (exit ${code ?? "signal"})`);
  report();
  return exit(code || 1);
}

/** Runs a command with the terminal; records its time. */
function step(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = Date.now();
  console.log(`\n▶ ${what}: ${cmd} ${args.join(" ")}`);
  return new Promise((resolve) => {
    spawn(cmd, args, { stdio: "inherit", env }).once("exit", (code) => {
      timings.push({ what, seconds: secondsSince(t) });
      if (code !== 0) return void fail(what, code);
      console.log(`✔ ${what} in ${secondsSince(t).toFixed(1)} s`);
      resolve();
    });
  });
}

/** Runs the lanes side by side, each lane's jobs in order; a job's output is printed whole when it ends. */
async function runLanes(lanes: Job[][], env: NodeJS.ProcessEnv): Promise<void> {
  const failures: string[] = [];
  const lane = async (jobs: Job[]) => {
    for (const job of jobs) {
      if (failures.length) return;
      const t = Date.now();
      console.log(`▶ ${job.what}`);
      const out: Buffer[] = [];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(job.cmd, job.args, { env, stdio: ["ignore", "pipe", "pipe"] });
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => out.push(d));
        child.once("exit", resolve);
      });
      timings.push({ what: job.what, seconds: secondsSince(t) });
      process.stdout.write(`\n── ${job.what} ──\n${Buffer.concat(out).toString("utf8")}`);
      if (code === 0) console.log(`✔ ${job.what} in ${secondsSince(t).toFixed(1)} s`);
      else failures.push(`${job.what} (exit ${code ?? "signal"})`);
    }
  };
  await Promise.all(lanes.map(lane));
  if (failures.length) await fail(failures.join(", "), 1);
}

/**
 * The run's one Postgres with the template database (packages/sandbox/src/postgres), in a process
 * of its own that stops the cluster when its stdin closes, even while it is still building it.
 */
function startPostgres(): { url: Promise<string>; child: ChildProcess } {
  const t = Date.now();
  const child = spawn(process.execPath, ["packages/sandbox/src/postgres/test-cluster-process.ts"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the test Postgres exited early (${code})`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  void url.then(
    () => timings.push({ what: "Postgres + template database", seconds: secondsSince(t) }),
    () => {},
  );
  return { url, child };
}

/** Asks the Postgres process to stop its cluster and waits until it has. */
async function stopPostgres(): Promise<void> {
  const { child } = postgres;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin?.end();
  await exited;
}

function report(): void {
  const total = secondsSince(started);
  console.log(`\n${quick ? "test:quick" : "npm test"}: time per step and package, longest first`);
  for (const { what, seconds } of [...timings].sort((a, b) => b.seconds - a.seconds)) {
    console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${what}`);
  }
  console.log(`  ${total.toFixed(1).padStart(6)} s  total (wall clock; the tests run in two lanes side by side)`);
}

// The Postgres and its template database get ready while lint and typecheck run.
const postgres = startPostgres();
postgres.url.catch(() => undefined); // awaited below, after lint and typecheck
// Ctrl-C or a kill stops the Postgres too (the process group's SIGINT reaches it as well).
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void exit(130));
await step("lint", "biome", ["check", "."]);
// No relative import crosses a package boundary (scripts/package-boundaries.ts says what counts).
await step("package boundaries", process.execPath, [
  "--test",
  "--test-reporter=spec",
  "scripts/package-boundaries.test.ts",
]);
await step("typecheck", "turbo", ["run", "typecheck", "--output-logs=errors-only"]);
await step("typecheck scripts", "tsc", ["-p", "tsconfig.scripts.json"]);

const url = await postgres.url.catch((e: Error) => fail(e.message, 1));
const env = { ...process.env, GATEHOUSE_TEST_POSTGRES_URL: url };
const t = Date.now();
console.log(`\n▶ ${quick ? "unit and database tests" : "every package's tests"}, in two lanes side by side`);
await runLanes(lanes, env);
timings.push({ what: "tests (wall clock, two lanes)", seconds: secondsSince(t) });
await stopPostgres();

report();
console.log(`\nall checks passed in ${secondsSince(started).toFixed(1)} s`);
