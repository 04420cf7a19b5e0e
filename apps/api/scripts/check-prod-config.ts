// `pnpm check:prod-config --env-file .env.production`: would the deployed worker start, and is its
// configuration production through and through? Reads the env file (the secrets you put with
// `wrangler secret put`) over the `vars` of wrangler.jsonc's env.production, then runs the worker's
// own parseEnv and the production guard. The SPA's VITE_* values (from the same file, or from
// --web-env-file, e.g. apps/web/.env.production.local) get the production build's own check.
// Exit 1 with every problem listed, 0 when it is sound.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, parseEnv as parseDotenv } from "node:util";
import { checkWebProductionConfig, WEB_ENV_NAMES } from "@gatehouse/web/production-config";
import { EnvError, parseEnv } from "../src/env.ts";
import { isProductionConfig, productionConfigProblems } from "../src/production-guard.ts";
import { readWranglerVars } from "./read-wrangler-vars.ts";

export interface ProdConfigReport {
  problems: string[];
  /** Facts worth knowing that are not problems (Stripe test mode, where values came from). */
  notes: string[];
}

const isWebName = (name: string) => name.startsWith("VITE_");

function originOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/** The SPA's VITE_* values as the production build sees them: present, deployed, no sandbox key, no placeholder. */
function webProblems(web: Record<string, string>, supabaseUrl: string | undefined): string[] {
  const { problems, missing } = checkWebProductionConfig(web, { placeholders: true });
  for (const name of missing) {
    problems.push(
      `${name}: is missing; the SPA's production build needs it (in the env file, or pass --web-env-file apps/web/.env.production.local)`,
    );
  }
  const spa = originOf(web.VITE_SUPABASE_URL);
  const worker = originOf(supabaseUrl);
  const urlRefused = problems.some((p) => p.startsWith("VITE_SUPABASE_URL:"));
  if (spa && worker && spa !== worker && !urlRefused) {
    problems.push(
      `VITE_SUPABASE_URL: ${web.VITE_SUPABASE_URL} is not the project the API uses (SUPABASE_URL ${supabaseUrl}); sessions from one would be refused by the other`,
    );
  }
  return problems;
}

/**
 * Checks wrangler vars overlaid with the env file's values (the file wins, as `wrangler secret`
 * would), and the SPA's VITE_* values (from the env file, overlaid with `webValues`).
 */
export function checkProdConfig(
  vars: Record<string, string>,
  fileValues: Record<string, string>,
  webValues: Record<string, string> = {},
): ProdConfigReport {
  const notes: string[] = [];
  const workerValues = Object.fromEntries(Object.entries(fileValues).filter(([name]) => !isWebName(name)));
  const web = Object.fromEntries(
    Object.entries({ ...fileValues, ...webValues }).filter(([name]) =>
      (WEB_ENV_NAMES as readonly string[]).includes(name),
    ),
  );
  const merged = { ...vars, ...workerValues };
  for (const name of Object.keys(vars)) {
    if (name in fileValues && fileValues[name] !== vars[name]) {
      notes.push(`${name}: the env file overrides wrangler.jsonc (${vars[name]} → ${fileValues[name]})`);
    }
  }
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv(merged);
  } catch (e) {
    if (e instanceof EnvError) return { problems: [...e.problems, ...webProblems(web, merged.SUPABASE_URL)], notes };
    throw e;
  }
  const problems = productionConfigProblems(config);
  if (!isProductionConfig(config)) {
    problems.unshift(
      `APP_URL: ${config.APP_URL} is a local address, so this is a development configuration, not a production one`,
    );
  }
  if (config.STRIPE_SECRET_KEY.startsWith("sk_test_") || config.STRIPE_SECRET_KEY.startsWith("rk_test_")) {
    notes.push("STRIPE_SECRET_KEY is a test-mode key: fine for staging, no real payments will be taken");
  }
  if (config.SUPABASE_JWT_SECRET) {
    notes.push("SUPABASE_JWT_SECRET is set: tokens signed with the legacy HS256 secret are accepted besides JWKS");
  }
  problems.push(...webProblems(web, config.SUPABASE_URL));
  return { problems, notes };
}

const USAGE = `usage: check:prod-config (--env-file <path> | <path>) [--web-env-file <path>] [--wrangler-env production] [--no-wrangler-vars]

Loads the env file over the vars of apps/api/wrangler.jsonc (env.production by default) and checks
them the way the deployed worker will: every required variable present and well-formed, and
no sandbox key, sandbox URL or plain-http address in a production configuration. The SPA's
VITE_* values come from the env file, overlaid by --web-env-file (apps/web/.env.production.local):
all present, https, not local, not the sandbox's key, not a secret key, not a placeholder.`;

function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseDotenv(readFileSync(path, "utf8"))).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "",
    ),
  );
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "env-file": { type: "string" },
      "web-env-file": { type: "string" },
      "wrangler-env": { type: "string", default: "production" },
      "no-wrangler-vars": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  // A positional path works too. (Node 22 itself also looks at a later --env-file argument and
  // stops with "<path>: not found" when the file is missing.)
  const file = values["env-file"] ?? positionals[0];
  if (values.help || !file) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!existsSync(file)) {
    console.error(`check:prod-config: ${file} does not exist (copy .env.example and fill in the production values)`);
    return 1;
  }
  const webFile = values["web-env-file"];
  if (webFile && !existsSync(webFile)) {
    console.error(`check:prod-config: ${webFile} does not exist (the SPA's production VITE_* values)`);
    return 1;
  }
  const fileValues = readEnvFile(file);
  const vars = values["no-wrangler-vars"]
    ? {}
    : readWranglerVars(join(import.meta.dirname, "..", "wrangler.jsonc"), values["wrangler-env"]);
  const { problems, notes } = checkProdConfig(vars, fileValues, webFile ? readEnvFile(webFile) : {});
  for (const note of notes) console.log(`note: ${note}`);
  if (problems.length > 0) {
    console.error(`check:prod-config: ${problems.length} problem(s) in ${file}:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  console.log(`check:prod-config: ${file} is a consistent production configuration`);
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`check:prod-config: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
