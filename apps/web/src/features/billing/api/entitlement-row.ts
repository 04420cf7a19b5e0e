import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod/mini";

// The entitlement row, its validation and its read. Loaded on demand (get-entitlement.ts's query,
// the success page's activation), so zod is not in the pricing page's first JS.

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
