// What the two stack starters share (start-stack.ts for the tests and benchmarks, dev.ts for
// `npm run dev`): the apps' own binaries, children in their own process group (so stopping one
// stops what it started), waiting for a server to answer, and the API's variables on the sandbox.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  repoRoot,
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_RESEND_API_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_WEBHOOK_SECRET,
} from "@gatehouse/sandbox";

/** A package's own binary (node_modules/.bin of that package), e.g. binOf("apps/api", "wrangler"). */
export const binOf = (pkg: string, name: string): string => join(repoRoot, pkg, "node_modules", ".bin", name);

/** The folder of a package of the repository, e.g. packageDir("apps/web"). */
export const packageDir = (pkg: string): string => join(repoRoot, pkg);

/** Starts a command in its own process group; every non-empty line it prints goes to onLine. */
export function spawnGroup(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; onLine: (line: string) => void },
): ChildProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) opts.onLine(line);
  };
  child.stdout?.on("data", lines);
  child.stderr?.on("data", lines);
  return child;
}

/** Resolves with the exit code. */
export function finished(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => resolve(code ?? 1));
    child.once("error", reject);
  });
}

/**
 * Waits until url answers below 500. Fails early when `child` (the server) exits, and after
 * timeoutMs; `context` (e.g. the children's last lines) is added to the error.
 */
export async function waitForHttp(
  url: string,
  what: string,
  opts: { child?: ChildProcess; context?: () => string; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const context = () => (opts.context ? `:\n${opts.context()}` : "");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (opts.child && opts.child.exitCode !== null)
      throw new Error(`${what} exited (${opts.child.exitCode})${context()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs / 1000} s${context()}`);
}

/** SIGTERM to the child's process group, SIGKILL 5 s later if it is still there; resolves once it exited. */
export function stopGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null) return Promise.resolve();
  const done = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return Promise.resolve();
  }
  const force = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }, 5_000);
  return done.finally(() => clearTimeout(force));
}

/** The API's variables on the sandbox: its keys, the stand-ins' URLs, lifecycle emails through the Resend stand-in. */
export function sandboxApiVars(urls: {
  app: string;
  supabase: string;
  stripe: string;
  /** Where the Resend stand-in is served (the Supabase stand-in, whose /inbox shows what it got). */
  resendHost: string;
}): Record<string, string> {
  return {
    APP_URL: urls.app,
    SUPABASE_URL: urls.supabase,
    SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY,
    SUPABASE_PUBLISHABLE_KEY: SANDBOX_PUBLISHABLE_KEY,
    STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: SANDBOX_WEBHOOK_SECRET,
    STRIPE_API_URL: urls.stripe,
    RESEND_API_KEY: SANDBOX_RESEND_API_KEY,
    RESEND_API_URL: `${urls.resendHost}/resend`,
    EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
  };
}

/** `wrangler dev` of a Worker on 127.0.0.1, quiet, with --var for each variable. */
export function wranglerDevArgs(opts: {
  port: number;
  inspectorPort: number;
  vars?: Record<string, string>;
  extra?: string[];
}): string[] {
  return [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(opts.port),
    "--inspector-port",
    String(opts.inspectorPort),
    "--show-interactive-dev-session=false",
    ...(opts.extra ?? []),
    ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
}
