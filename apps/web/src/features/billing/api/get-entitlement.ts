import type { SupabaseClient } from "@supabase/supabase-js";
import { queryOptions, useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

export const entitlementRowSchema = z.object({
  user_id: z.string(),
  active: z.boolean(),
  entitlement: z.nullable(z.string()),
  status: z.nullable(z.string()),
  subscription_id: z.optional(z.nullable(z.string())),
  price_id: z.optional(z.nullable(z.string())),
  current_period_end: z.nullable(z.string()),
  cancel_at: z.nullable(z.string()),
  updated_at: z.optional(z.nullable(z.string())),
  features: z.optional(z.nullable(z.array(z.string()))),
  trial_end: z.optional(z.nullable(z.string())),
  scheduled_price_id: z.optional(z.nullable(z.string())),
  scheduled_at: z.optional(z.nullable(z.string())),
  access_ends_at: z.optional(z.nullable(z.string())),
  /** What grants access: a subscription, or a one-time purchase (lifetime). */
  source: z.optional(z.nullable(z.string())),
});
export type EntitlementRow = z.infer<typeof entitlementRowSchema>;

const COLUMNS =
  "user_id,active,entitlement,status,subscription_id,price_id,current_period_end,cancel_at,updated_at,features,trial_end,scheduled_price_id,scheduled_at,access_ends_at,source";

/**
 * The row with `active` as of `now`: access also ends at access_ends_at (the end of the past-due
 * grace) before any re-sync flips the stored flag, exactly as the database's has_access() decides.
 */
export function withAccessAsOf(row: EntitlementRow, now: number): EntitlementRow {
  const ended = row.access_ends_at ? Date.parse(row.access_ends_at) <= now : false;
  return ended && row.active ? { ...row, active: false } : row;
}

/** The user's own entitlement row (RLS: only the owner reads it), or null if they never subscribed. */
export async function fetchEntitlement(client: SupabaseClient, userId: string): Promise<EntitlementRow | null> {
  const { data, error } = await client.from("entitlements").select(COLUMNS).eq("user_id", userId).limit(1);
  if (error) throw new Error(error.message);
  const rows = z.array(entitlementRowSchema).parse(data);
  return rows[0] ? withAccessAsOf(rows[0], Date.now()) : null;
}

export const entitlementQueryOptions = (userId: string | null) =>
  queryOptions({
    queryKey: queryKeys.entitlement(userId),
    queryFn: async () => (userId ? fetchEntitlement(await getSupabase(), userId) : null),
    enabled: userId !== null,
  });

export function useEntitlement(userId: string | null) {
  return useQuery(entitlementQueryOptions(userId));
}
