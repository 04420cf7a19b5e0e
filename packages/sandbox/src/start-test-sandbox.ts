// A whole throw-away sandbox on free ports for tests and benchmarks: Postgres (fast settings,
// deleted on stop), the Supabase and Stripe stand-ins, and fault proxies in front of both so a
// test can take either down.
import { FAULT_BODIES, type FaultProxy, startFaultProxy } from "./fault-proxy.ts";
import { SANDBOX_WEBHOOK_SECRET } from "./keys.ts";
import { startTestDatabase } from "./postgres/index.ts";
import { type RateLimitSettings, startStripeStandIn } from "./stripe/index.ts";
import { startSupabaseStandIn } from "./supabase/index.ts";

export interface TestSandboxOptions {
  /** Where the Stripe stand-in delivers webhooks (none by default). */
  webhookUrl?: string;
  webhookSecret?: string;
  retrySchedule?: number[];
  deliveryConcurrency?: number;
  /** Stripe's rate limits in the Stripe stand-in: Stripe's test-mode values unless told otherwise. */
  limits?: Partial<RateLimitSettings>;
  log?: (line: string) => void;
}

export interface TestSandbox {
  urls: {
    postgres: string;
    /** Through the fault proxy: what the API should use. */
    supabase: string;
    stripe: string;
    /** The stand-ins themselves, bypassing the proxies. */
    supabaseDirect: string;
    stripeDirect: string;
  };
  faults: { supabase: FaultProxy; stripe: FaultProxy };
  stop(): Promise<void>;
}

export async function startTestSandbox(opts: TestSandboxOptions = {}): Promise<TestSandbox> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    // The stand-ins bind port 0 and report what they got: a port picked free beforehand can be
    // taken by a sandbox starting beside this one before it is bound (CI saw it: EADDRINUSE).
    const db = await startTestDatabase();
    stops.push(() => db.stop());
    const supabase = await startSupabaseStandIn({
      databaseUrl: db.url,
      port: 0,
      ...(opts.log ? { log: opts.log } : {}),
    });
    stops.push(() => supabase.stop());
    const stripe = await startStripeStandIn({
      databaseUrl: db.url,
      port: 0,
      ...(opts.webhookUrl
        ? { webhook: { url: opts.webhookUrl, secret: opts.webhookSecret ?? SANDBOX_WEBHOOK_SECRET } }
        : {}),
      ...(opts.retrySchedule ? { retrySchedule: opts.retrySchedule } : {}),
      ...(opts.deliveryConcurrency ? { deliveryConcurrency: opts.deliveryConcurrency } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    stops.push(() => stripe.stop());
    const supabaseFault = await startFaultProxy(supabase.url, { errorBody: FAULT_BODIES.supabase });
    stops.push(() => supabaseFault.stop());
    // The API is pointed at the proxy: tokens name it as their issuer, as Supabase names its project URL.
    supabase.setPublicUrl(supabaseFault.url);
    const stripeFault = await startFaultProxy(stripe.url, { errorBody: FAULT_BODIES.stripe });
    stops.push(() => stripeFault.stop());
    return {
      urls: {
        postgres: db.url,
        supabase: supabaseFault.url,
        stripe: stripeFault.url,
        supabaseDirect: supabase.url,
        stripeDirect: stripe.url,
      },
      faults: { supabase: supabaseFault, stripe: stripeFault },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
