// Clients built once per isolate for a given configuration, shared by every request.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import Stripe from "stripe";
import type { Config } from "../env.ts";

export interface Services {
  config: Config;
  stripe: Stripe;
  db: SupabaseClient;
}

const cache = new WeakMap<Config, Services>();

export function createStripe(config: Config): Stripe {
  const target = config.STRIPE_API_URL ? new URL(config.STRIPE_API_URL) : null;
  const protocol = target?.protocol === "http:" ? "http" : "https";
  return new Stripe(config.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 1,
    timeout: 15_000,
    appInfo: { name: "gatehouse" },
    ...(target
      ? { host: target.hostname, port: Number(target.port || (protocol === "http" ? 80 : 443)), protocol }
      : {}),
  });
}

export function getServices(config: Config): Services {
  let services = cache.get(config);
  if (!services) {
    services = {
      config,
      stripe: createStripe(config),
      db: createClient(config.SUPABASE_URL, config.SUPABASE_SECRET_KEY, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      }),
    };
    cache.set(config, services);
  }
  return services;
}
