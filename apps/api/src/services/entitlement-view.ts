import type { EntitlementView, Tables } from "@gatehouse/types";

type EntitlementRow = Tables<"entitlements">;

/** Every column of public.entitlements (the generated row), for `selectOne`. */
export const ENTITLEMENT_COLUMNS = [
  "user_id",
  "active",
  "entitlement",
  "status",
  "subscription_id",
  "price_id",
  "current_period_end",
  "cancel_at",
  "access_ends_at",
  "features",
  "source",
  "trial_end",
  "scheduled_price_id",
  "scheduled_at",
  "updated_at",
] as const satisfies readonly (keyof EntitlementRow)[];

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
    features: active ? [...row.features] : [],
    source: row.source === "subscription" || row.source === "purchase" ? row.source : null,
    priceId: row.price_id,
    trialEnd: iso(row.trial_end),
    scheduledChange:
      row.scheduled_price_id && scheduledAt ? { priceId: row.scheduled_price_id, at: scheduledAt } : null,
  };
}
