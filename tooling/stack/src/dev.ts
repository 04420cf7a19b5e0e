// `npm run dev`: the whole product offline. Postgres + the Supabase and Stripe stand-ins, the
// catalog set up in the sandbox Stripe, the API in wrangler dev (workerd) and the SPA in Vite.
// Ctrl-C (or SIGTERM) stops everything it started.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clientFromEnv, seedDemoFiles } from "@gatehouse/api/files-upload";
import { setupCatalog } from "@gatehouse/billing/catalog-setup";
import {
  assertPortFree,
  repoRoot,
  SANDBOX_PORTS,
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_TEST_CARD,
  SANDBOX_WEBHOOK_SECRET,
  SandboxStartError,
  startSandbox,
} from "@gatehouse/sandbox";
import { binOf, packageDir, sandboxApiVars, spawnGroup, stopGroup, waitForHttp, wranglerDevArgs } from "./processes.ts";

const children: ChildProcess[] = [];
let sandboxStop: (() => Promise<void>) | null = null;
let stopping = false;

/** Runs a package's own binary in its folder, its lines prefixed with its name. */
function start(name: string, pkg: string, bin: string, args: string[]): ChildProcess {
  const child = spawnGroup(binOf(pkg, bin), args, {
    cwd: packageDir(pkg),
    env: process.env,
    onLine: (line) => process.stdout.write(`[${name}] ${line}\n`),
  });
  child.on("error", (e) => {
    console.error(`[dev] could not start ${name} (${bin}): ${e.message}`);
    void shutdown(1);
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${code ?? signal}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.all(children.map(stopGroup)).catch(() => undefined);
    await sandboxStop?.().catch(() => undefined);
  }
  process.exit(code);
}

interface RealServices {
  api: {
    SUPABASE_URL: string;
    SUPABASE_SECRET_KEY: string;
    SUPABASE_PUBLISHABLE_KEY: string;
    STRIPE_SECRET_KEY: string;
    STRIPE_WEBHOOK_SECRET: string;
    SUPABASE_JWT_SECRET?: string;
  };
  web: { VITE_SUPABASE_URL: string; VITE_SUPABASE_PUBLISHABLE_KEY: string };
}

/**
 * Real services when .env (or the shell) names a Supabase project that is not the sandbox and a
 * Stripe key: then `dev` skips the sandbox. Missing pieces are named in one error.
 */
function realServices(env: NodeJS.ProcessEnv): RealServices | null {
  const { SUPABASE_URL, STRIPE_SECRET_KEY } = env;
  if (!SUPABASE_URL || !STRIPE_SECRET_KEY || /\/\/(127\.0\.0\.1|localhost):54321/.test(SUPABASE_URL)) return null;
  const { SUPABASE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, VITE_SUPABASE_PUBLISHABLE_KEY, SUPABASE_JWT_SECRET } = env;
  if (!SUPABASE_SECRET_KEY || !STRIPE_WEBHOOK_SECRET || !VITE_SUPABASE_PUBLISHABLE_KEY) {
    const missing = Object.entries({ SUPABASE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, VITE_SUPABASE_PUBLISHABLE_KEY })
      .filter(([, v]) => !v)
      .map(([k]) => k);
    throw new Error(
      `SUPABASE_URL and STRIPE_SECRET_KEY are set, so dev runs on real services, but ${missing.join(", ")} missing (see .env.example)`,
    );
  }
  const placeholders = Object.entries({
    SUPABASE_URL,
    SUPABASE_SECRET_KEY,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    VITE_SUPABASE_PUBLISHABLE_KEY,
  })
    .filter(([, v]) => /replace_me|your-project-ref/.test(v))
    .map(([k]) => k);
  if (placeholders.length) {
    throw new Error(
      `.env still holds the example's placeholders for ${placeholders.join(", ")}: put your own values, or remove SUPABASE_URL and STRIPE_SECRET_KEY to use the offline sandbox`,
    );
  }
  return {
    api: {
      SUPABASE_URL,
      SUPABASE_SECRET_KEY,
      SUPABASE_PUBLISHABLE_KEY: VITE_SUPABASE_PUBLISHABLE_KEY,
      STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET,
      ...(SUPABASE_JWT_SECRET ? { SUPABASE_JWT_SECRET } : {}),
    },
    web: { VITE_SUPABASE_URL: env.VITE_SUPABASE_URL ?? SUPABASE_URL, VITE_SUPABASE_PUBLISHABLE_KEY },
  };
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  await assertPortFree(SANDBOX_PORTS.api, "API (wrangler dev)");
  await assertPortFree(SANDBOX_PORTS.web, "web (Vite)");
  const appUrl = `http://127.0.0.1:${SANDBOX_PORTS.web}`;
  const apiUrl = `http://127.0.0.1:${SANDBOX_PORTS.api}`;
  const real = realServices(process.env);
  let apiVars: Record<string, string>;
  let webVars: Record<string, string>;
  let banner: string[];
  if (real) {
    // Real Stripe (test mode) and Supabase: their values come from .env; no sandbox.
    apiVars = { APP_URL: appUrl, ...real.api };
    webVars = { ...real.web, VITE_API_URL: apiUrl };
    if (/^sk_test_/.test(real.api.STRIPE_SECRET_KEY)) {
      await setupCatalog({
        stripeSecretKey: real.api.STRIPE_SECRET_KEY,
        supabaseUrl: real.api.SUPABASE_URL,
        supabaseSecretKey: real.api.SUPABASE_SECRET_KEY,
        log: (l) => console.log(`[stripe:setup] ${l}`),
      });
    }
    banner = [
      `  Supabase            ${real.api.SUPABASE_URL}`,
      "  Stripe              your account (test mode). Forward webhooks in another terminal:",
      `                      stripe listen --forward-to localhost:${SANDBOX_PORTS.api}/api/stripe/webhook`,
      "                      (its whsec_… must be STRIPE_WEBHOOK_SECRET in .env)",
      "  Become admin        pnpm admin:grant --email <your email>, then sign in again and open /admin",
    ];
  } else {
    const sandbox = await startSandbox({ log: (l) => console.log(`[sandbox] ${l}`) });
    sandboxStop = sandbox.stop;
    await setupCatalog({
      stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
      stripeApiUrl: sandbox.urls.stripe,
      supabaseUrl: sandbox.urls.supabase,
      supabaseSecretKey: SANDBOX_SECRET_KEY,
      log: (l) => console.log(`[stripe:setup] ${l}`),
    });
    const demoFiles = await seedDemoFiles(
      clientFromEnv({ SUPABASE_URL: sandbox.urls.supabase, SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY }),
    );
    for (const f of demoFiles) console.log(`[files] ${f.path}: ${f.outcome}`);
    // Lifecycle emails through the Resend stand-in, into the inbox page.
    apiVars = sandboxApiVars({
      app: appUrl,
      supabase: sandbox.urls.supabase,
      stripe: sandbox.urls.stripe,
      resendHost: sandbox.urls.supabase,
    });
    webVars = {
      VITE_SUPABASE_URL: sandbox.urls.supabase,
      VITE_SUPABASE_PUBLISHABLE_KEY: SANDBOX_PUBLISHABLE_KEY,
      VITE_API_URL: apiUrl,
    };
    banner = [
      `  Pay with            ${SANDBOX_TEST_CARD}, any future expiry, any CVC (4000 0000 0000 0002 is declined)`,
      `  Mail inbox          ${sandbox.urls.supabase}/inbox   (magic links, and the emails the worker sends)`,
      `  Become admin        sign in once, then in another terminal:`,
      `                      SUPABASE_URL=${sandbox.urls.supabase} SUPABASE_SECRET_KEY=${SANDBOX_SECRET_KEY} \\`,
      `                      STRIPE_SECRET_KEY=${SANDBOX_STRIPE_SECRET_KEY} pnpm admin:grant --email <your email>`,
      `                      then sign in again and open ${appUrl}/admin`,
      "",
      `  Supabase stand-in   ${sandbox.urls.supabase}`,
      `  Stripe stand-in     ${sandbox.urls.stripe}   (webhook deliveries: ${sandbox.urls.stripe}/_sandbox/deliveries)`,
      `  Postgres            ${sandbox.urls.postgres}`,
      `  publishable key     ${SANDBOX_PUBLISHABLE_KEY}`,
      `  secret key          ${SANDBOX_SECRET_KEY}   (server only)`,
      `  Stripe secret key   ${SANDBOX_STRIPE_SECRET_KEY}`,
      `  webhook secret      ${SANDBOX_WEBHOOK_SECRET}`,
    ];
  }
  // The SPA reads apps/web/.env.local (git-ignored; publishable values only). The API gets its
  // values as --var: with `secrets.required` in wrangler.jsonc, wrangler reads only the declared
  // secrets from .dev.vars, so optional ones (STRIPE_API_URL) must come this way.
  writeFileSync(
    join(repoRoot, "apps/web/.env.local"),
    [
      `# Written by \`npm run dev\` (${real ? "real services from .env" : "offline sandbox"}). Git-ignored.`,
      ...Object.entries(webVars).map(([k, v]) => `${k}=${v}`),
      "",
    ].join("\n"),
  );

  start(
    "api",
    "apps/api",
    "wrangler",
    wranglerDevArgs({ port: SANDBOX_PORTS.api, inspectorPort: 9230, vars: apiVars }),
  );
  start("web", "apps/web", "vite", ["--host", "127.0.0.1", "--port", String(SANDBOX_PORTS.web), "--strictPort"]);
  await Promise.all([
    waitForHttp(`${apiUrl}/api/health`, "the API", { intervalMs: 250 }),
    waitForHttp(appUrl, "the web app", { intervalMs: 250 }),
  ]);

  console.log(
    [
      "",
      `Gatehouse is running ${real ? "on your Stripe and Supabase" : "offline"} (Ctrl-C stops everything)`,
      "",
      `  Open                ${appUrl}`,
      `  API                 ${apiUrl}`,
      ...banner,
      "",
    ].join("\n"),
  );
} catch (e) {
  console.error(`[dev] ${e instanceof SandboxStartError || e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
}
