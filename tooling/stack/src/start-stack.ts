// The whole product on free ports, for end-to-end tests and benchmarks: a throw-away sandbox
// (Postgres, Supabase and Stripe stand-ins, webhooks delivered to the API), the catalog set up,
// the API in `wrangler dev` (workerd) and the SPA built for production (`--mode sandbox`) and served
// as it is deployed: the static-assets Worker of apps/web in `wrangler dev`, which applies the
// build's `_headers` (CSP, HSTS, …) and the single-page-application fallback.
import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupCatalog } from "@gatehouse/billing/catalog-setup";
import {
  freePort,
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_WEBHOOK_SECRET,
  startTestSandbox,
  type TestSandbox,
} from "@gatehouse/sandbox";
import {
  binOf,
  finished,
  packageDir,
  sandboxApiVars,
  spawnGroup,
  stopGroup,
  waitForHttp,
  wranglerDevArgs,
} from "./processes.ts";

export interface StackOptions {
  retrySchedule?: number[];
  deliveryConcurrency?: number;
  /** First retry delay of an email Resend did not take (the worker's default is 30 s). */
  emailRetryBaseSeconds?: number;
  /** Extra text for failures: the last lines each child printed. */
  log?: (line: string) => void;
  /** Prefix of this stack's lines in the stack log and errors (`w0:api`), when several stacks share them. */
  logTag?: string;
}

export interface Stack {
  /** sandbox: the stand-ins (`npm test`); live: the services of `.env.live` (`npm run test:live`). */
  target: "sandbox" | "live";
  urls: {
    web: string;
    api: string;
    supabase: string;
    stripe: string;
    supabaseDirect: string;
    stripeDirect: string;
    postgres: string;
  };
  /** monthly/yearly: Basic (no trial, paid at once); proMonthly/proYearly: Pro (7-day trial for first-timers). */
  prices: { monthly: string; yearly: string; proMonthly: string; proYearly: string };
  keys: { publishable: string; secret: string; stripe: string; webhook: string };
  sandbox: TestSandbox;
  stop(): Promise<void>;
}

export type LiveStack = Omit<Stack, "sandbox">;

/** The real services `startLiveStack` runs the app against (e2e reads them from `.env.live`). */
export interface LiveConfig {
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  supabaseUrl: string;
  supabaseSecretKey: string;
  supabasePublishableKey: string;
  /** The API's port: the one `stripe listen --forward-to 127.0.0.1:<port>/api/stripe/webhook` uses. */
  apiPort: number;
  /** The SPA's port: Checkout and the portal send the buyer back to http://127.0.0.1:<port>. */
  webPort: number;
  automaticTax: boolean;
}

/**
 * wrangler dev's environment for tests and benchmarks. X_LOCAL_OBSERVABILITY=false: wrangler 4
 * streams every invocation's tail events (each request, subrequest and log) to a local trace
 * collector (one Durable Object writing them to SQLite) for its local explorer UI. Nobody reads
 * those traces here, and they cost workerd about 1.2 ms of CPU per GET /api/health (4.5 instead of
 * 6.0 ms, bench/src/health-ceiling.ts --variant-env, 3 rounds A/B at load 30). `npm run dev`
 * (dev.ts) keeps them for the explorer.
 */
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "true", X_LOCAL_OBSERVABILITY: "false" };

/**
 * A child whose last lines (all children's, 40 kept) go into the errors. With GATEHOUSE_STACK_LOG set
 * (the e2e suite sets it to test-results/stack.log), every line also goes to that file, timed, so a
 * failed spec can be read beside what the API and the SPA's server printed meanwhile.
 */
function run(name: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, tail: string[]) {
  const logFile = process.env.GATEHOUSE_STACK_LOG;
  return spawnGroup(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    onLine: (line) => {
      tail.push(`[${name}] ${line}`);
      if (tail.length > 40) tail.shift();
      if (logFile) {
        try {
          appendFileSync(logFile, `${new Date().toISOString()} [${name}] ${line}\n`);
        } catch {
          // A log that cannot be written must not stop the stack.
        }
      }
    },
  });
}

/** The API (`wrangler dev`) and the SPA (built, then served by the static-assets Worker), started for `vars`. */
async function startApp(
  ports: { api: number; web: number },
  vars: Record<string, string>,
  webEnv: Record<string, string>,
  mode: "sandbox" | "live",
  parts: { children: ChildProcess[]; cleanups: Array<() => Promise<void> | void>; tail: string[]; tag?: string },
): Promise<void> {
  const { children, cleanups, tail } = parts;
  const named = (name: string) => (parts.tag ? `${parts.tag}:${name}` : name);
  const [inspectorPort, webInspectorPort] = [await freePort(), await freePort()];
  const apiChild = run(
    named("api"),
    binOf("apps/api", "wrangler"),
    wranglerDevArgs({
      port: ports.api,
      inspectorPort,
      vars,
      // With a stack log, every request's line too (method, path, status, time); without, warnings only.
      extra: ["--test-scheduled", "--log-level", process.env.GATEHOUSE_STACK_LOG ? "info" : "warn"],
    }),
    packageDir("apps/api"),
    { ...WRANGLER_ENV },
    tail,
  );
  children.push(apiChild);

  const outDir = mkdtempSync(join(tmpdir(), "gatehouse-web-"));
  cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
  const build = run(
    named("web-build"),
    binOf("apps/web", "vite"),
    ["build", "--mode", mode, "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    packageDir("apps/web"),
    webEnv,
    tail,
  );
  if ((await finished(build)) !== 0) throw new Error(`vite build failed:\n${tail.join("\n")}`);
  const webChild = run(
    named("web"),
    binOf("apps/web", "wrangler"),
    wranglerDevArgs({
      port: ports.web,
      inspectorPort: webInspectorPort,
      extra: ["--assets", outDir, "--log-level", "warn"],
    }),
    packageDir("apps/web"),
    { ...WRANGLER_ENV },
    tail,
  );
  children.push(webChild);

  await Promise.all([
    waitForHttp(`http://127.0.0.1:${ports.api}/api/health`, "wrangler dev", {
      child: apiChild,
      context: () => tail.join("\n"),
    }),
    waitForHttp(`http://127.0.0.1:${ports.web}`, "wrangler dev (web)", {
      child: webChild,
      context: () => tail.join("\n"),
    }),
  ]);
}

function stopper(children: ChildProcess[], cleanups: Array<() => Promise<void> | void>) {
  return async () => {
    for (const c of children.reverse()) await stopGroup(c);
    for (const c of cleanups.reverse()) await c();
  };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const tail: string[] = [];
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = stopper(children, cleanups);
  try {
    const [apiPort, webPort] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${apiPort}`;
    const web = `http://127.0.0.1:${webPort}`;
    const sandbox = await startTestSandbox({
      webhookUrl: `${api}/api/stripe/webhook`,
      webhookSecret: SANDBOX_WEBHOOK_SECRET,
      retrySchedule: opts.retrySchedule ?? [250, 500, 1000, 2000, 4000],
      ...(opts.deliveryConcurrency ? { deliveryConcurrency: opts.deliveryConcurrency } : {}),
    });
    cleanups.push(() => sandbox.stop());
    const catalog = await setupCatalog({
      stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
      stripeApiUrl: sandbox.urls.stripeDirect,
      supabaseUrl: sandbox.urls.supabaseDirect,
      supabaseSecretKey: SANDBOX_SECRET_KEY,
    });

    const vars = {
      ...sandboxApiVars({
        app: web,
        supabase: sandbox.urls.supabase,
        stripe: sandbox.urls.stripe,
        // Direct: the Supabase fault proxy is for Supabase outages, not the emails.
        resendHost: sandbox.urls.supabaseDirect,
      }),
      EMAIL_RETRY_BASE_SECONDS: String(opts.emailRetryBaseSeconds ?? 2),
    };
    const webEnv = {
      VITE_SUPABASE_URL: sandbox.urls.supabaseDirect,
      VITE_SUPABASE_PUBLISHABLE_KEY: SANDBOX_PUBLISHABLE_KEY,
      VITE_API_URL: api,
    };
    await startApp({ api: apiPort, web: webPort }, vars, webEnv, "sandbox", {
      children,
      cleanups,
      tail,
      ...(opts.logTag ? { tag: opts.logTag } : {}),
    });
    return {
      target: "sandbox",
      urls: {
        web,
        api,
        supabase: sandbox.urls.supabaseDirect,
        stripe: sandbox.urls.stripeDirect,
        supabaseDirect: sandbox.urls.supabaseDirect,
        stripeDirect: sandbox.urls.stripeDirect,
        postgres: sandbox.urls.postgres,
      },
      prices: pricesOf(catalog.priceIds),
      keys: {
        publishable: SANDBOX_PUBLISHABLE_KEY,
        secret: SANDBOX_SECRET_KEY,
        stripe: SANDBOX_STRIPE_SECRET_KEY,
        webhook: SANDBOX_WEBHOOK_SECRET,
      },
      sandbox,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function pricesOf(ids: Record<string, string | undefined>): Stack["prices"] {
  return {
    monthly: ids.gatehouse_basic_monthly ?? "",
    yearly: ids.gatehouse_basic_yearly ?? "",
    proMonthly: ids.gatehouse_pro_monthly ?? "",
    proYearly: ids.gatehouse_pro_yearly ?? "",
  };
}

/**
 * The same API and SPA against the real services of `.env.live` (`npm run test:live`): Stripe in
 * test mode (webhooks forwarded to the API by `stripe listen`), a Supabase project. No sandbox, so
 * no `/_sandbox` controls and no Postgres URL: only the specs tagged @live run against it.
 */
export async function startLiveStack(config: LiveConfig): Promise<LiveStack> {
  const tail: string[] = [];
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = stopper(children, cleanups);
  try {
    const api = `http://127.0.0.1:${config.apiPort}`;
    const web = `http://127.0.0.1:${config.webPort}`;
    // Idempotent (lookup keys): the same products and prices `npm run stripe:setup` makes.
    const catalog = await setupCatalog({
      stripeSecretKey: config.stripeSecretKey,
      supabaseUrl: config.supabaseUrl,
      supabaseSecretKey: config.supabaseSecretKey,
    });
    const vars = {
      APP_URL: web,
      SUPABASE_URL: config.supabaseUrl,
      SUPABASE_SECRET_KEY: config.supabaseSecretKey,
      SUPABASE_PUBLISHABLE_KEY: config.supabasePublishableKey,
      STRIPE_SECRET_KEY: config.stripeSecretKey,
      STRIPE_WEBHOOK_SECRET: config.stripeWebhookSecret,
      STRIPE_AUTOMATIC_TAX: String(config.automaticTax),
    };
    const webEnv = {
      VITE_SUPABASE_URL: config.supabaseUrl,
      VITE_SUPABASE_PUBLISHABLE_KEY: config.supabasePublishableKey,
      VITE_API_URL: api,
    };
    await startApp({ api: config.apiPort, web: config.webPort }, vars, webEnv, "live", { children, cleanups, tail });
    return {
      target: "live",
      urls: {
        web,
        api,
        supabase: config.supabaseUrl,
        stripe: "https://api.stripe.com",
        supabaseDirect: config.supabaseUrl,
        stripeDirect: "https://api.stripe.com",
        postgres: "",
      },
      prices: pricesOf(catalog.priceIds),
      keys: {
        publishable: config.supabasePublishableKey,
        secret: config.supabaseSecretKey,
        stripe: config.stripeSecretKey,
        webhook: config.stripeWebhookSecret,
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
