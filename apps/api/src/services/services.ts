// Clients built once per isolate for a given configuration, shared by every request.
import type { Database, Db } from "@gatehouse/types";
import { createClient } from "@supabase/supabase-js";
import Stripe from "stripe";
import type { Config } from "../env.ts";
import { pacedFetch, StripePacer } from "./stripe-pacer.ts";

export interface Services {
  config: Config;
  /** For a person waiting (success page, /api/me, checkout): goes at once, counts against the budget. */
  stripe: Stripe;
  /** For background work (queue consumer, cron): waits for the budget (STRIPE_REQUESTS_PER_SECOND). */
  backgroundStripe: Stripe;
  pacer: StripePacer;
  db: Db;
}

const cache = new WeakMap<Config, Services>();

export function createStripe(config: Config, fetchFn?: typeof fetch): Stripe {
  const target = config.STRIPE_API_URL ? new URL(config.STRIPE_API_URL) : null;
  const protocol = target?.protocol === "http:" ? "http" : "https";
  return new Stripe(config.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    maxNetworkRetries: 1,
    timeout: 15_000,
    appInfo: { name: "gatehouse" },
    ...(target
      ? { host: target.hostname, port: Number(target.port || (protocol === "http" ? 80 : 443)), protocol }
      : {}),
  });
}

/** The services for background work: every Stripe call waits for the budget. */
export function backgroundServices(s: Services): Services {
  return { ...s, stripe: s.backgroundStripe };
}

export function getServices(config: Config): Services {
  let services = cache.get(config);
  if (!services) {
    const pacer = new StripePacer(config.STRIPE_REQUESTS_PER_SECOND);
    services = {
      config,
      stripe: createStripe(config, pacedFetch(pacer, "user")),
      backgroundStripe: createStripe(config, pacedFetch(pacer, "background")),
      pacer,
      db: createClient<Database>(config.SUPABASE_URL, config.SUPABASE_SECRET_KEY, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      }),
    };
    cache.set(config, services);
  }
  return services;
}
