import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database, Tables } from "./database.ts";

/**
 * A supabase-js client typed by the generated schema: `createClient<Database>(…)` everywhere a
 * client is made, so table reads, inserts and `rpc` calls are checked against the migrations.
 */
export type Db = SupabaseClient<Database>;

/**
 * A row of a public table as node-postgres (`pg`) returns it: `Tables<T>` with the timestamp
 * columns named in `Dates` parsed into `Date` (the generated types write them as the string
 * PostgREST sends). For the tests and the benchmark, which read the database directly.
 */
export type PgRow<T extends keyof Database["public"]["Tables"], Dates extends keyof Tables<T> = never> = {
  [K in keyof Tables<T>]: K extends Dates ? Date | Extract<Tables<T>[K], null> : Tables<T>[K];
};
