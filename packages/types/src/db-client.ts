import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "./database.ts";

/**
 * A supabase-js client typed by the generated schema: `createClient<Database>(…)` everywhere a
 * client is made, so table reads, inserts and `rpc` calls are checked against the migrations.
 */
export type Db = SupabaseClient<Database>;
