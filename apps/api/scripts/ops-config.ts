// Configuration for the operations commands (events:replay, resync): the worker's own parseEnv
// over the process environment, so a bad value fails here exactly as it would in the worker.
import { type Config, EnvError, parseEnv } from "../src/env.ts";

/** What the ops commands talk to. */
const NEEDED = ["STRIPE_SECRET_KEY", "SUPABASE_URL", "SUPABASE_SECRET_KEY"] as const;

/** Required by the worker, never used by a re-sync: placeholders keep parseEnv's checks on the rest. */
const UNUSED = {
  APP_URL: "http://127.0.0.1:5173",
  STRIPE_WEBHOOK_SECRET: "whsec_unused_by_the_ops_commands",
};

export class OpsConfigError extends Error {}

/** Parses the environment for an ops command; throws OpsConfigError with one line naming every problem. */
export function loadOpsConfig(env: Record<string, string | undefined>): Config {
  const missing = NEEDED.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new OpsConfigError(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: add ${missing.length === 1 ? "it" : "them"} to .env (see .env.example) or export ${missing.length === 1 ? "it" : "them"}`,
    );
  }
  const defined = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  try {
    return parseEnv({ ...UNUSED, ...defined });
  } catch (e) {
    if (e instanceof EnvError) throw new OpsConfigError(e.problems.join("; "));
    throw e;
  }
}

/** Runs an ops command's main: one clear line and exit code 1 on a configuration problem or a crash. */
export async function runOpsCommand(name: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (e) {
    console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
