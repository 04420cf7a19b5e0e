// Part 6: leaked secrets. Builds the SPA (vite build with the sandbox's VITE_ variables) and the
// worker (wrangler deploy --dry-run --minify) into temporary folders and scans every file for
// anything that looks like a secret; then calls every API route with bad input and checks that
// no error body carries a stack trace, a secret value or an internal path.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot } from "@gatehouse/sandbox";
import { BAD_BODIES } from "./bad-input.ts";
import { type ChaosContext, createUser, pool } from "./context.ts";
import { figure, type PartResult, partResult } from "./figures.ts";

const SECRET_SHAPES: Array<[string, RegExp]> = [
  ["stripe secret key", /\bsk_(live|test)_[A-Za-z0-9_]{8,}/],
  ["stripe restricted key", /\brk_(live|test)_[A-Za-z0-9_]{8,}/],
  ["stripe webhook secret", /\bwhsec_[A-Za-z0-9_]{8,}/],
  ["supabase secret key", /\bsb_secret_[A-Za-z0-9_-]{8,}/],
  ["private key block", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.(eyJ[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]{8,}/g;

/** Findings in one text: secret-shaped strings, service-role JWTs, the sandbox's own secret values. */
export function scanText(text: string, literals: readonly string[]): string[] {
  const found: string[] = [];
  for (const [label, re] of SECRET_SHAPES) {
    const m = re.exec(text);
    if (m) found.push(`${label}: ${m[0].slice(0, 16)}…`);
  }
  for (const m of text.matchAll(JWT)) {
    try {
      const claims = JSON.parse(Buffer.from(m[1] ?? "", "base64url").toString()) as { role?: string };
      if (claims.role === "service_role" || claims.role === "supabase_admin")
        found.push(`service-role JWT: ${m[0].slice(0, 16)}…`);
    } catch {
      // not a JWT after all
    }
  }
  for (const lit of literals) if (lit && text.includes(lit)) found.push(`sandbox secret value ${lit.slice(0, 10)}…`);
  return found;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output = (output + c.toString()).slice(-4000);
    });
    child.stderr.on("data", (c: Buffer) => {
      output = (output + c.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), 180_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const STACK = /\n\s+at\s+\S+|\bat\s+[\w$.<>]+\s+\(.*:\d+:\d+\)|Error:\s.*\n\s+at /;
const INTERNAL_PATH = /(\/work\/|\/home\/|\/root\/|\/tmp\/|node_modules|file:\/\/|\.wrangler|[\w-]+\.(ts|js):\d+)/;

export async function runSecretsScan(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const notes: string[] = [];
  const { keys, urls } = ctx.stack;
  const literals = [keys.secret, keys.stripe, keys.webhook];
  let findings = 0;
  let scanned = 0;
  let buildFailures = 0;

  const tmp = mkdtempSync(join(tmpdir(), "gatehouse-chaos-scan-"));
  try {
    const webOut = join(tmp, "web");
    const workerOut = join(tmp, "worker");
    const web = await run(
      join(repoRoot, "apps/web/node_modules/.bin/vite"),
      ["build", "--mode", "sandbox", "--outDir", webOut, "--emptyOutDir", "--logLevel", "warn"],
      join(repoRoot, "apps/web"),
      {
        VITE_SUPABASE_URL: urls.supabase,
        VITE_SUPABASE_PUBLISHABLE_KEY: keys.publishable,
        VITE_API_URL: urls.api,
      },
    );
    if (web.code !== 0) {
      buildFailures++;
      notes.push(`vite build failed: ${web.output.slice(-400)}`);
    }
    const worker = await run(
      join(repoRoot, "apps/api/node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--outdir", workerOut, "--minify"],
      join(repoRoot, "apps/api"),
      { WRANGLER_SEND_METRICS: "false", CI: "true" },
    );
    if (worker.code !== 0) {
      buildFailures++;
      notes.push(`wrangler deploy --dry-run failed: ${worker.output.slice(-400)}`);
    }
    for (const dir of [webOut, workerOut]) {
      let list: string[] = [];
      try {
        list = files(dir);
      } catch {
        continue;
      }
      for (const f of list) {
        scanned++;
        const hits = scanText(readFileSync(f, "latin1"), literals);
        findings += hits.length;
        for (const h of hits) notes.push(`${relative(tmp, f)}: ${h}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // Error bodies of every route with bad input, and of the Supabase/Stripe outage answers.
  const user = await createUser(ctx, "secrets");
  const calls: Array<{ method: string; path: string; body?: string; token?: string; sig?: string }> = [];
  for (const path of ["/api/checkout", "/api/billing/portal", "/api/billing/sync", "/api/stripe/webhook"]) {
    for (const [, body] of BAD_BODIES) calls.push({ method: "POST", path, body, token: user.token, sig: "t=1,v1=00" });
    calls.push({ method: "POST", path, body: "{}", token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." });
    calls.push({ method: "POST", path, body: JSON.stringify({ priceId: "x".repeat(300) }), token: user.token });
  }
  calls.push({ method: "GET", path: "/api/me", token: "garbage" });
  calls.push({ method: "GET", path: "/api/does-not-exist" });
  calls.push({ method: "POST", path: "/api/billing/sync", body: '{"sessionId":"cs_test_nope"}', token: user.token });
  calls.push({ method: "POST", path: "/api/billing/portal", body: "{}", token: user.token });
  const leakyBodies: string[] = [];
  const check = async (c: (typeof calls)[number]) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    if (c.sig) headers["stripe-signature"] = c.sig;
    const res = await fetch(`${urls.api}${c.path}`, {
      method: c.method,
      headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    const text = await res.text();
    if (res.status < 400) return;
    const hits = scanText(text, literals);
    if (STACK.test(text)) hits.push("stack trace");
    if (INTERNAL_PATH.test(text)) hits.push(`internal path (${INTERNAL_PATH.exec(text)?.[0]})`);
    const internalUrls = [ctx.stack.sandbox.urls.supabase, ctx.stack.sandbox.urls.stripe, urls.postgres, urls.stripe];
    for (const u of internalUrls) if (text.includes(u.replace(/^https?:\/\//, ""))) hits.push(`internal URL ${u}`);
    if (hits.length)
      leakyBodies.push(`${c.method} ${c.path} → ${res.status}: ${hits.join(", ")} in ${text.slice(0, 200)}`);
  };
  await pool(calls, 8, check);
  // The answers while each upstream is down carry the upstream's error: they must not leak either.
  for (const service of ["supabase", "stripe"] as const) {
    ctx.stack.sandbox.faults[service].state.down = true;
    try {
      await check({ method: "POST", path: "/api/billing/sync", body: "{}", token: user.token });
      await check({
        method: "POST",
        path: "/api/checkout",
        body: JSON.stringify({ priceId: ctx.stack.prices.monthly }),
        token: user.token,
      });
      await check({ method: "GET", path: "/api/me", token: user.token });
    } finally {
      ctx.stack.sandbox.faults[service].state.down = false;
    }
  }
  for (const l of leakyBodies) notes.push(l);

  return partResult("secrets-scan", started, notes, [
    figure("secrets_files_scanned", scanned, "files"),
    figure("secrets_bundle_findings", findings, "findings", { mustBeZero: true }),
    figure("secrets_build_failures", buildFailures, "builds", { mustBeZero: true }),
    figure("secrets_error_bodies_checked", calls.length + 6, "responses"),
    figure("secrets_error_body_leaks", leakyBodies.length, "responses", { mustBeZero: true }),
  ]);
}
