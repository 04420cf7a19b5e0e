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
}

const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);

export function toEntitlementView(row: EntitlementRow | null | undefined): EntitlementView {
  if (!row) return { active: false, entitlement: null, status: null, currentPeriodEnd: null, cancelAt: null };
  return {
    active: row.active,
    entitlement: row.entitlement,
    status: row.status,
    currentPeriodEnd: iso(row.current_period_end),
    cancelAt: iso(row.cancel_at),
  };
}
