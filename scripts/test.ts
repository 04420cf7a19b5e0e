// `npm test`: everything CI checks, in order: lint, typecheck, then every package's tests
// (unit, database, workerd, browser). Stops at the first failure.
import { spawnSync } from "node:child_process";

const steps: Array<[string, string[]]> = [
  ["biome", ["check", "."]],
  ["turbo", ["run", "typecheck", "--output-logs=errors-only"]],
  ["tsc", ["-p", "tsconfig.scripts.json"]],
  ["turbo", ["run", "test", "--concurrency=1", "--output-logs=full"]],
  // Every Worker builds for deploy (SPA with production-like values, API minified), no upload.
  ["pnpm", ["run", "check:deploy"]],
];

const started = Date.now();
for (const [cmd, args] of steps) {
  const t = Date.now();
  console.log(`\n▶ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`✖ ${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${cmd} ${args[1] ?? args[0]} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
