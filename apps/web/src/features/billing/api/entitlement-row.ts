import type { Db, Tables } from "@gatehouse/types";

// The entitlement row and its read. Loaded on demand (get-entitlement.ts's query, the success
// page's activation), with supabase-js.

/** The user's row of public.entitlements, as generated from the migrations. */
export type EntitlementRow = Tables<"entitlements">;

/** Every column of the row (the page's read and the success page's boot read ask for the same). */
export const ENTITLEMENT_COLUMNS =
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
export async function fetchEntitlement(client: Db, userId: string): Promise<EntitlementRow | null> {
  const { data, error } = await client.from("entitlements").select(ENTITLEMENT_COLUMNS).eq("user_id", userId).limit(1);
  if (error) throw new Error(error.message);
  return data[0] ? withAccessAsOf(data[0], Date.now()) : null;
}
