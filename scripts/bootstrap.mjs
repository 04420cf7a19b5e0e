#!/usr/bin/env node
// Bootstrap: make sure Node >= 22, pnpm 12 and the workspace dependencies are present, then run
// the given command with them on PATH. Runs on the machine's own Node (>= 20) with npm only.
//
//   node scripts/bootstrap.mjs <command> [args...]     e.g. node scripts/bootstrap.mjs turbo run test
//
// Everything it installs goes into the git-ignored .tools/ folder; a repeated run installs nothing
// when nothing changed (it compares a hash of the lockfile and manifests with a stamp).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tools = join(root, ".tools");
const NODE_MAJOR = 22;
const NODE_MIN = [22, 12];
const PNPM_VERSION = "12.21.0";

const say = (msg) => process.stderr.write(`[bootstrap] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`[bootstrap] error: ${msg}\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(" ")} exited with ${r.status}`);
}

function versionOk(v) {
  const [maj, min] = v.replace(/^v/, "").split(".").map(Number);
  return maj > NODE_MIN[0] || (maj === NODE_MIN[0] && min >= NODE_MIN[1]);
}

// 1. Node >= 22.12: the machine's own, or one from the npm registry into .tools/node22.
function ensureNode() {
  if (versionOk(process.version)) return dirname(process.execPath);
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(tools, "node22");
  const bin = join(prefix, "node_modules", pkg, "bin");
  const exe = join(bin, process.platform === "win32" ? "node.exe" : "node");
  if (existsSync(exe)) {
    const v = spawnSync(exe, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (versionOk(v)) return bin;
  }
  say(
    `Node ${process.version} is older than ${NODE_MIN.join(".")}: installing ${pkg}@${NODE_MAJOR} into .tools/node22 (once)`,
  );
  mkdirSync(prefix, { recursive: true });
  run("npm", npmInstallInto(prefix, `${pkg}@${NODE_MAJOR}`));
  if (!existsSync(exe)) fail(`npm installed ${pkg} but ${exe} is missing`);
  return bin;
}

/** npm's arguments to install one package into `prefix` (under .tools/), quietly and without a lockfile change. */
function npmInstallInto(prefix, spec) {
  return ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", spec];
}

// 2. pnpm 12: the one on PATH if it is the pinned major, or one from the registry into .tools/pnpm.
function ensurePnpm(env) {
  const onPath = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
  if (onPath.status === 0 && onPath.stdout.trim().startsWith("12.")) return null;
  const prefix = join(tools, "pnpm");
  const bin = join(prefix, "node_modules", ".bin");
  if (!existsSync(join(bin, "pnpm"))) {
    say(`installing pnpm@${PNPM_VERSION} into .tools/pnpm (once)`);
    mkdirSync(prefix, { recursive: true });
    run("npm", npmInstallInto(prefix, `pnpm@${PNPM_VERSION}`), { env });
  }
  return bin;
}

// 3. Workspace dependencies: pnpm install only when the lockfile or a manifest changed.
function manifestHash() {
  const h = createHash("sha256");
  const add = (f) => existsSync(f) && h.update(f).update(readFileSync(f));
  add(join(root, "pnpm-lock.yaml"));
  add(join(root, "pnpm-workspace.yaml"));
  add(join(root, "package.json"));
  for (const group of ["apps", "packages"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) add(join(dir, name, "package.json"));
  }
  for (const name of ["supabase", "e2e", "bench"]) add(join(root, name, "package.json"));
  return h.digest("hex");
}

function ensureDeps(env) {
  const stamp = join(tools, "install.stamp");
  const hash = manifestHash();
  const installed = existsSync(join(root, "node_modules", ".modules.yaml"));
  if (installed && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  say("installing workspace dependencies (pnpm install)");
  const args = ["install"];
  if (process.env.CI) args.push("--frozen-lockfile");
  run("pnpm", args, { cwd: root, env });
  mkdirSync(tools, { recursive: true });
  writeFileSync(stamp, manifestHash());
}

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) fail("usage: node scripts/bootstrap.mjs <command> [args...]");

const nodeBin = ensureNode();
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  WRANGLER_SEND_METRICS: "false",
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  PATH: [nodeBin, process.env.PATH].join(delimiter),
};
const pnpmBin = ensurePnpm(env);
if (pnpmBin) env.PATH = [pnpmBin, env.PATH].join(delimiter);
ensureDeps(env);
env.PATH = [join(root, "node_modules", ".bin"), env.PATH].join(delimiter);

const child = spawn(cmd, args, { stdio: "inherit", env, cwd: root });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("error", (e) => fail(`could not start ${cmd}: ${e.message}`));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
