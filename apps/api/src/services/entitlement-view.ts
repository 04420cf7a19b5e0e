import type { EntitlementView } from "@gatehouse/types";

/** A row of public.entitlements as PostgREST returns it. */
export interface EntitlementRow {
  user_id: string;
  active: boolean;
  entitlement: string | null;
  status: string | null;
  subscription_id: string | null;
  price_id?: string | null;
  current_period_end: string | null;
  cancel_at: string | null;
  /** When access ends without a further sync (end of the past-due grace); null: no fixed end. */
  access_ends_at?: string | null;
  features?: string[] | null;
  source?: string | null;
  trial_end?: string | null;
  scheduled_price_id?: string | null;
  scheduled_at?: string | null;
}

const iso = (v: string | null | undefined) => (v ? new Date(v).toISOString() : null);

export const NO_ENTITLEMENT_VIEW: EntitlementView = {
  active: false,
  entitlement: null,
  status: null,
  currentPeriodEnd: null,
  cancelAt: null,
  features: [],
  source: null,
  priceId: null,
  trialEnd: null,
  scheduledChange: null,
};

/** Is the row's access still on at `now` (ms)? The same rule as public.has_access() in SQL. */
export function accessIsCurrent(row: Pick<EntitlementRow, "active" | "access_ends_at">, now: number): boolean {
  return row.active && (!row.access_ends_at || new Date(row.access_ends_at).getTime() > now);
}

export function toEntitlementView(row: EntitlementRow | null | undefined, now = Date.now()): EntitlementView {
  if (!row) return NO_ENTITLEMENT_VIEW;
  const active = accessIsCurrent(row, now);
  const scheduledAt = iso(row.scheduled_at);
  return {
    active,
    entitlement: row.entitlement,
    status: row.status,
    currentPeriodEnd: iso(row.current_period_end),
    cancelAt: iso(row.cancel_at),
    features: active ? [...(row.features ?? [])] : [],
    source: row.source === "subscription" || row.source === "purchase" ? row.source : null,
    priceId: row.price_id ?? null,
    trialEnd: iso(row.trial_end),
    scheduledChange:
      row.scheduled_price_id && scheduledAt ? { priceId: row.scheduled_price_id, at: scheduledAt } : null,
  };
}
