// A `Services` for unit tests: the real stripe and supabase-js clients, whose HTTP goes to functions
// the test gives instead of the network. A call the test did not expect fails the test loudly.
import type { Database } from "@gatehouse/types";
import type { DbFunctionArgs, DbFunctionName, DbFunctionResult } from "@gatehouse/types/db-functions";
import { createClient } from "@supabase/supabase-js";
import Stripe from "stripe";
import { type Config, parseEnv } from "../env.ts";
import type { Services } from "../services/services.ts";
import { StripePacer } from "../services/stripe-pacer.ts";

/** Bindings that parse: a local APP_URL, placeholder keys, no network behind any URL. */
export const testBindings = {
  APP_URL: "http://127.0.0.1:5173",
  STRIPE_SECRET_KEY: "sk_test_unit_not_a_real_key",
  STRIPE_WEBHOOK_SECRET: "whsec_unit_not_a_real_secret",
  // Port 9 (discard): nothing answers there, so a request that should never leave fails fast.
  STRIPE_API_URL: "http://127.0.0.1:9",
  SUPABASE_URL: "http://127.0.0.1:9",
  SUPABASE_SECRET_KEY: "sb_secret_unit_not_a_real_key_000000",
  SUPABASE_JWT_SECRET: "unit-test-legacy-jwt-secret-0123456789abcdef",
};

/** Answers a call: a value is sent as a 200 JSON body, a Response as it is (a 429, a 400…). */
type Handler = (body: Record<string, unknown>) => unknown;

/** A fake SQL function: what PostgREST would answer, in the shape its contract declares. */
type RpcHandlers = { [F in DbFunctionName]?: (args: DbFunctionArgs<F>) => DbFunctionResult<F> };

export interface FakeServicesOptions {
  /** Answers of SQL functions called through PostgREST (`db.rpc(name, args)`), by name. */
  rpc?: RpcHandlers;
  /** Answers of the Stripe API, by `METHOD /v1/path` (form body, or a GET's query, decoded flat). */
  stripe?: Record<string, Handler>;
  /** Answers the Stripe calls no entry of `stripe` names (a fake Stripe that holds state). */
  stripeAny?: (method: string, path: string, params: Record<string, unknown>) => unknown;
}

export interface FakeServices extends Services {
  /** Every call made, in order: `rpc <name>` or `METHOD /v1/path`. */
  calls: string[];
}

export function fakeServices(opts: FakeServicesOptions = {}, config: Config = parseEnv({ ...testBindings })) {
  const calls: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  const supabaseFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const name = /\/rest\/v1\/rpc\/([a-z_]+)$/.exec(url.pathname)?.[1];
    // supabase-js sent `name`'s arguments as the body: what that handler is typed to take.
    const handlers = (opts.rpc ?? {}) as Partial<Record<string, Handler>>;
    const handler = name ? handlers[name] : undefined;
    calls.push(name ? `rpc ${name}` : `${init?.method ?? "GET"} ${url.pathname}`);
    if (!handler) return json(500, { code: "XX000", message: `unexpected call ${url.pathname} in a unit test` });
    return json(200, handler(JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>));
  };

  const stripeFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? "GET";
    const key = `${method} ${url.pathname}`;
    calls.push(key);
    const params = Object.fromEntries(
      method === "GET" ? url.searchParams : new URLSearchParams(String(init?.body ?? "")),
    );
    const exact = opts.stripe?.[key];
    const handler: Handler | undefined =
      exact ?? (opts.stripeAny ? (body) => opts.stripeAny?.(method, url.pathname, body) : undefined);
    if (!handler) return json(500, { error: { type: "api_error", message: `unexpected call ${key} in a unit test` } });
    const answer = handler(params);
    return answer instanceof Response ? answer : json(200, answer);
  };

  const stripe = new Stripe(config.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(stripeFetch),
    maxNetworkRetries: 0,
  });
  const services: FakeServices = {
    config,
    calls,
    stripe,
    // Unpaced in unit tests: the same client for background work.
    backgroundStripe: stripe,
    pacer: new StripePacer(config.STRIPE_REQUESTS_PER_SECOND),
    db: createClient<Database>(config.SUPABASE_URL, config.SUPABASE_SECRET_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: supabaseFetch },
    }),
  };
  return services;
}
