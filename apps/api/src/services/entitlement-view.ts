import type { EntitlementView } from "@gatehouse/types";

/** A row of public.entitlements as PostgREST returns it. */
export interface EntitlementRow {
  user_id: string;
  active: boolean;
  entitlement: string | null;
  status: string | null;
  subscription_id: string | null;
  current_period_end: string | null;
  cancel_at: string | null;
  /** When access ends without a further sync (end of the past-due grace); null: no fixed end. */
  access_ends_at?: string | null;
}

const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);

/** Is the row's access still on at `now` (ms)? The same rule as public.has_access() in SQL. */
export function accessIsCurrent(row: Pick<EntitlementRow, "active" | "access_ends_at">, now: number): boolean {
  return row.active && (!row.access_ends_at || new Date(row.access_ends_at).getTime() > now);
}

export function toEntitlementView(row: EntitlementRow | null | undefined, now = Date.now()): EntitlementView {
  if (!row) return { active: false, entitlement: null, status: null, currentPeriodEnd: null, cancelAt: null };
  return {
    active: accessIsCurrent(row, now),
    entitlement: row.entitlement,
    status: row.status,
    currentPeriodEnd: iso(row.current_period_end),
    cancelAt: iso(row.cancel_at),
  };
}
