import type { Database, Db } from "@gatehouse/types";
import { getEnv } from "@/config/env.ts";

let client: Promise<Db> | undefined;

/**
 * The one supabase-js client (publishable key only; RLS decides what it may read). supabase-js is
 * about 45 KB gzip, so it loads as its own chunk, started on the first call (at boot, by the
 * session store) and never blocking the first paint of the landing page. Typed by the generated
 * `Database`: every read is checked against the migrations at compile time.
 */
export function getSupabase(): Promise<Db> {
  client ??= import("@supabase/supabase-js").then(({ createClient }) => {
    const env = getEnv();
    return createClient<Database>(env.supabaseUrl, env.supabasePublishableKey, {
      auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true, flowType: "pkce" },
    });
  });
  return client;
}
