// `npm run test:live`: the API contract specs and the main flows (the specs tagged @live) against
// the real services named in the git-ignored `.env.live` instead of the stand-ins. Refuses live-mode
// keys; says what it skipped, and why, when a variable is missing. The same specs run against the
// sandbox in `npm test`: the target is a parameter (GATEHOUSE_TARGET), not a fork.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@gatehouse/sandbox";
import { readLiveConfig, skippedReport } from "./live-config.ts";

const envFile = process.env.GATEHOUSE_LIVE_ENV_FILE ?? join(repoRoot, ".env.live");
if (existsSync(envFile)) process.loadEnvFile(envFile);

const live = readLiveConfig(process.env);
if (live.kind === "refused") {
  process.stderr.write(`test:live: refused: ${live.reason}\n`);
  process.exit(2);
}
if (live.kind === "missing") {
  process.stdout.write(skippedReport(live.missing));
  process.exit(0);
}
const { apiPort } = live.config;
process.stdout.write(
  [
    `test:live: against ${live.config.supabaseUrl} and Stripe's test mode.`,
    `Webhooks reach the API only through \`stripe listen --forward-to 127.0.0.1:${apiPort}/api/stripe/webhook\`: keep it running.`,
    "",
  ].join("\n"),
);
const child = spawn(
  join(repoRoot, "e2e", "node_modules", ".bin", "playwright"),
  ["test", "--grep", "@live", ...process.argv.slice(2)],
  { cwd: join(repoRoot, "e2e"), stdio: "inherit", env: { ...process.env, GATEHOUSE_TARGET: "live" } },
);
child.once("exit", (code) => process.exit(code ?? 1));
