// The API's raw per-request cost, alone: `wrangler dev` of apps/api (of this checkout, or of another
// one with --api-dir, e.g. a scratch worktree at an older commit for a bisect) on a free port with
// the sandbox's variables, then GET /api/health (no I/O, but through every middleware) at
// concurrency 32 for a few rounds. Prints req/s and p50 per round and the CPU each process spent
// per request (process-cpu.ts): wall-clock figures swing with the machine's load, CPU per request
// much less. No stand-in is started: the health route makes no call.
//
//   node scripts/bootstrap.mjs node bench/src/health-ceiling.ts [--api-dir DIR] [--requests N]
//     [--rounds R] [--concurrency C] [--no-test-scheduled] [--path /api/health] [--json]
import { type ChildProcess, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, repoRoot } from "@gatehouse/sandbox";
import { cpuDelta, treeCpuMs } from "./process-cpu.ts";
import { percentile, pool, round } from "./stats.ts";

const { values } = parseArgs({
  options: {
    "api-dir": { type: "string", multiple: true },
    requests: { type: "string", default: "2000" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    path: { type: "string", default: "/api/health" },
    "no-test-scheduled": { type: "boolean", default: false },
    // KEY=VALUE: each --api-dir is also started a second time with these variables in wrangler's
    // environment (e.g. X_LOCAL_OBSERVABILITY=false), measured in the same rounds.
    "variant-env": { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  },
});
// Several --api-dir: all started, then measured in turn, round by round (A B A B…), so each sees
// the same machine load.
const apiDirs = values["api-dir"]?.length ? values["api-dir"] : [join(repoRoot, "apps/api")];
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

// Sandbox-shaped variables (the health route connects to none of them).
const vars: Record<string, string> = {
  APP_URL: "http://127.0.0.1:5173",
  SUPABASE_URL: "http://127.0.0.1:9",
  SUPABASE_SECRET_KEY: "sb_secret_sandbox_0000000000000000000000",
  STRIPE_SECRET_KEY: "sk_test_sandbox_000000000000000000000000",
  STRIPE_WEBHOOK_SECRET: "whsec_sandbox_0000000000000000000000000",
  STRIPE_API_URL: "http://127.0.0.1:9",
  RESEND_API_KEY: "re_sandbox_00000000000000",
  RESEND_API_URL: "http://127.0.0.1:9/resend",
  EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
};

interface Server {
  apiDir: string;
  label: string;
  url: string;
  child: ChildProcess;
  tail: string[];
}

async function startApi(apiDir: string, extraEnv: Record<string, string> = {}): Promise<Server> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
    ...(values["no-test-scheduled"] ? [] : ["--test-scheduled"]),
    "--log-level",
    "warn",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const tail: string[] = [];
  const child = spawn(join(apiDir, "node_modules/.bin/wrangler"), args, {
    cwd: apiDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const s of [child.stdout, child.stderr])
    s?.on("data", (b: Buffer) => {
      tail.push(b.toString());
      if (tail.length > 40) tail.shift();
    });
  const label = [apiDir, ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`)].join(" ");
  const server = { apiDir, label, url: `http://127.0.0.1:${port}`, child, tail };
  servers.push(server);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${tail.join("")}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer:\n${tail.join("")}`);
    try {
      if ((await once(server)) < 500) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // Warm-up: the isolate's first requests (module evaluation, env parsing) are not the steady state.
  await pool(200, concurrency, async () => void (await once(server)));
  return server;
}

function stop({ child }: Server): Promise<void> {
  if (!child.pid || child.exitCode !== null) return Promise.resolve();
  const done = new Promise<void>((r) => child.once("exit", () => r()));
  process.kill(-child.pid, "SIGTERM");
  const force = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
  return done.finally(() => clearTimeout(force));
}

async function once(server: Server): Promise<number> {
  const res = await fetch(`${server.url}${values.path}`);
  await res.arrayBuffer();
  return res.status;
}

/** The CPU of one server's processes (wrangler's node, esbuild, the two workerd) by program. */
function serverCpu(all: Record<string, Record<string, number>>, server: Server): Record<string, number> {
  return all[String(server.child.pid)] ?? {};
}

function cpuBySubtree(): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of servers) {
    if (!s.child.pid) continue;
    const { "node (driver + stand-ins)": wrangler = 0, ...rest } = treeCpuMs(s.child.pid);
    out[String(s.child.pid)] = { "wrangler (node)": wrangler, ...rest };
  }
  out.driver = { "node (this driver)": treeCpuMs(process.pid)["node (driver + stand-ins)"] ?? 0 };
  return out;
}

const servers: Server[] = [];
try {
  const variant = Object.fromEntries(
    (values["variant-env"] ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  for (const dir of apiDirs) {
    await startApi(dir);
    if (Object.keys(variant).length) await startApi(dir, variant);
  }
  const results: Array<Record<string, unknown>> = [];
  for (let r = 0; r < rounds; r++) {
    for (const server of servers) {
      const latencies: number[] = [];
      let bad = 0;
      const cpu0 = cpuBySubtree();
      const t0 = performance.now();
      await pool(requests, concurrency, async () => {
        const s = performance.now();
        if ((await once(server)) !== 200) bad++;
        latencies.push(performance.now() - s);
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = cpuBySubtree();
      const spent = {
        ...cpuDelta(serverCpu(cpu0, server), serverCpu(cpu1, server)),
        ...cpuDelta(cpu0.driver ?? {}, cpu1.driver ?? {}),
      };
      const row = {
        server: server.label,
        round: r + 1,
        perSecond: round(requests / seconds),
        p50Ms: round(percentile(latencies, 50)),
        non200: bad,
        cpuMsPerRequest: Object.fromEntries(
          Object.entries(spent)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => [k, round(v / requests, 2)]),
        ),
        load1: round(loadavg()[0] ?? null, 2),
      };
      results.push(row);
      if (!values.json) console.log(JSON.stringify(row));
    }
  }
  if (values.json) console.log(JSON.stringify(results));
} finally {
  for (const s of servers) await stop(s);
}
