// `npm run dev`: the whole product offline. Postgres + the Supabase and Stripe stand-ins, the
// catalog set up in the sandbox Stripe, the API in wrangler dev (workerd) and the SPA in Vite.
// Ctrl-C (or SIGTERM) stops everything it started.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clientFromEnv, seedDemoFiles } from "../apps/api/scripts/files-upload.ts";
import { setupCatalog } from "../packages/billing/src/catalog-setup.ts";
import {
  assertPortFree,
  repoRoot,
  SANDBOX_PORTS,
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_RESEND_API_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_TEST_CARD,
  SANDBOX_WEBHOOK_SECRET,
  SandboxStartError,
  startSandbox,
} from "../packages/sandbox/src/index.ts";

const children: ChildProcess[] = [];
let sandboxStop: (() => Promise<void>) | null = null;
let stopping = false;

function prefixed(name: string, child: ChildProcess) {
  const write = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on("data", write);
  child.stderr?.on("data", write);
}

/** Runs a package's own binary (node_modules/.bin of that package) in its folder. */
function start(name: string, pkg: string, bin: string, args: string[]): ChildProcess {
  const cwd = join(repoRoot, pkg);
  const child = spawn(join(cwd, "node_modules", ".bin", bin), args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: process.env,
  });
  prefixed(name, child);
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

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r)))).filter(Boolean),
    ).catch(() => undefined);
    await sandboxStop?.().catch(() => undefined);
  }
  process.exit(code);
}

interface RealServices {
  api: {
    SUPABASE_URL: string;
    SUPABASE_SECRET_KEY: string;
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
    apiVars = {
      APP_URL: appUrl,
      SUPABASE_URL: sandbox.urls.supabase,
      SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY,
      STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: SANDBOX_WEBHOOK_SECRET,
      STRIPE_API_URL: sandbox.urls.stripe,
      // Lifecycle emails through the Resend stand-in, into the inbox page.
      RESEND_API_KEY: SANDBOX_RESEND_API_KEY,
      RESEND_API_URL: `${sandbox.urls.supabase}/resend`,
      EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
    };
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

  start("api", "apps/api", "wrangler", [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(SANDBOX_PORTS.api),
    "--inspector-port",
    "9230",
    "--show-interactive-dev-session=false",
    ...Object.entries(apiVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ]);
  start("web", "apps/web", "vite", ["--host", "127.0.0.1", "--port", String(SANDBOX_PORTS.web), "--strictPort"]);
  await Promise.all([waitFor(`${apiUrl}/api/health`, "the API"), waitFor(appUrl, "the web app")]);

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
