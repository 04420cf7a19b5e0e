import { rmSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_PORTS, SANDBOX_WEBHOOK_SECRET } from "./keys.ts";
import { repoRoot } from "./postgres/apply-migrations.ts";
import { applyMigrations, type RunningPostgres, startPostgres } from "./postgres/index.ts";
import { type RateLimitSettings, startStripeStandIn } from "./stripe/index.ts";
import { startSupabaseStandIn } from "./supabase/index.ts";

export interface SandboxOptions {
  /** Cluster directory; default `<repo>/.sandbox/pg`. */
  dataDir?: string;
  /** Where Storage keeps object bytes; default `<repo>/.sandbox/storage`. */
  storageDir?: string;
  /** Wipe the data first (`db:reset`). */
  reset?: boolean;
  ports?: Partial<typeof SANDBOX_PORTS>;
  /** Stripe's rate limits in the Stripe stand-in: Stripe's test-mode values unless told otherwise. */
  limits?: Partial<RateLimitSettings>;
  log?: (line: string) => void;
}

export interface RunningSandbox {
  postgres: RunningPostgres;
  urls: { postgres: string; supabase: string; stripe: string };
  stop(): Promise<void>;
}

export const defaultDataDir = join(repoRoot, ".sandbox", "pg");
export const defaultStorageDir = join(repoRoot, ".sandbox", "storage");

/** Starts Postgres (migrations applied) and the stand-ins; stop() ends them in reverse order. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const ports = { ...SANDBOX_PORTS, ...opts.ports };
  const dataDir = opts.dataDir ?? defaultDataDir;
  const storageDir = opts.storageDir ?? defaultStorageDir;
  if (opts.reset) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(storageDir, { recursive: true, force: true });
  }
  const postgres = await startPostgres({ dataDir, port: ports.postgres });
  const stops: Array<() => Promise<void>> = [() => postgres.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const { applied, seeded } = await applyMigrations(postgres.url);
    if (applied.length) opts.log?.(`applied ${applied.length} migration(s)${seeded ? " and seed.sql" : ""}`);
    const supabase = await startSupabaseStandIn({
      databaseUrl: postgres.url,
      port: ports.supabase,
      storageDir,
      log: opts.log,
    });
    stops.push(() => supabase.stop());
    const stripe = await startStripeStandIn({
      databaseUrl: postgres.url,
      port: ports.stripe,
      webhook: { url: "http://127.0.0.1:8787/api/stripe/webhook", secret: SANDBOX_WEBHOOK_SECRET },
      ...(opts.limits ? { limits: opts.limits } : {}),
      log: opts.log,
    });
    stops.push(() => stripe.stop());
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    postgres,
    urls: {
      postgres: postgres.url,
      supabase: `http://127.0.0.1:${ports.supabase}`,
      stripe: `http://127.0.0.1:${ports.stripe}`,
    },
    stop,
  };
}
