// Stripe subscription state → entitlement. Pure: no SDK, no I/O. The SQL function
// public.sync_customer applies the same rules inside the database; a test runs the same cases
// through both (supabase/tests/entitlement-agreement.test.ts).

export const SUBSCRIPTION_STATUSES = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "paused",
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The fields of one subscription that decide access (dates as epoch milliseconds). */
export interface SubscriptionFacts {
  id: string;
  status: SubscriptionStatus;
  /** Tier key of the subscribed product (`metadata.entitlement`); null: not a Gatehouse product, grants nothing. */
  entitlement: string | null;
  /** The features (lookup keys) of the subscribed product. */
  features: readonly string[];
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  cancelAt: number | null;
  cancelAtPeriodEnd: boolean;
  created: number;
  trialEnd: number | null;
  /** The price a subscription schedule switches to at the end of the period, and when. */
  scheduledPriceId: string | null;
  scheduledAt: number | null;
}

export interface EntitlementRules {
  /** Keep access this long (ms) after a renewal fails (`past_due`), counted from the unpaid period's start. Default 0: off. */
  pastDueGraceMs: number;
  /** The time to judge the grace period against (epoch ms). */
  now: number;
}

export interface Entitlement {
  active: boolean;
  entitlement: string | null;
  status: SubscriptionStatus | null;
  subscriptionId: string | null;
  currentPeriodEnd: number | null;
  /** When access ends because a cancellation is pending (cancel_at or cancel_at_period_end). */
  cancelAt: number | null;
  /** Union of the features of every granting subscription's product, sorted. */
  features: string[];
  /** When the best subscription's trial ends, while it is trialing. */
  trialEnd: number | null;
  scheduledPriceId: string | null;
  scheduledAt: number | null;
}

export const NO_ENTITLEMENT: Entitlement = {
  active: false,
  entitlement: null,
  status: null,
  subscriptionId: null,
  currentPeriodEnd: null,
  cancelAt: null,
  features: [],
  trialEnd: null,
  scheduledPriceId: null,
  scheduledAt: null,
};

/** Statuses ranked from best to worst, used to pick one subscription when a customer has several. */
const STATUS_RANK: Record<SubscriptionStatus, number> = {
  active: 7,
  trialing: 6,
  past_due: 5,
  unpaid: 4,
  paused: 3,
  incomplete: 2,
  canceled: 1,
  incomplete_expired: 0,
};

export function statusRank(status: SubscriptionStatus): number {
  return STATUS_RANK[status];
}

/** Does this status, on its own, grant access? `active` and `trialing` do; `past_due` only within the grace period. */
export function statusGrantsAccess(
  status: SubscriptionStatus,
  currentPeriodStart: number | null,
  rules: EntitlementRules,
): boolean {
  if (status === "active" || status === "trialing") return true;
  if (status === "past_due" && rules.pastDueGraceMs > 0 && currentPeriodStart !== null) {
    return rules.now < currentPeriodStart + rules.pastDueGraceMs;
  }
  return false;
}

export function subscriptionGrantsAccess(sub: SubscriptionFacts, rules: EntitlementRules): boolean {
  return sub.entitlement !== null && statusGrantsAccess(sub.status, sub.currentPeriodStart, rules);
}

/** The pending end of access, whichever way Stripe expressed the cancellation; null once ended. */
export function pendingCancelAt(sub: SubscriptionFacts): number | null {
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return null;
  if (sub.cancelAt !== null) return sub.cancelAt;
  return sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : null;
}

/** Orders subscriptions best first: access-granting, then status rank, then the later period end, then the newest. */
export function compareSubscriptions(a: SubscriptionFacts, b: SubscriptionFacts, rules: EntitlementRules): number {
  const grant = Number(subscriptionGrantsAccess(b, rules)) - Number(subscriptionGrantsAccess(a, rules));
  if (grant !== 0) return grant;
  const rank = statusRank(b.status) - statusRank(a.status);
  if (rank !== 0) return rank;
  const end = (b.currentPeriodEnd ?? -1) - (a.currentPeriodEnd ?? -1);
  if (end !== 0) return end;
  const created = b.created - a.created;
  if (created !== 0) return created;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Is the subscription over (nothing pending on it any more)? */
function isEnded(sub: SubscriptionFacts): boolean {
  return sub.status === "canceled" || sub.status === "incomplete_expired";
}

/**
 * A user's entitlement from all of their subscriptions: the best one gives the status, dates and
 * scheduled change; the features are the union over every subscription that grants access.
 */
export function deriveEntitlement(subs: readonly SubscriptionFacts[], rules: EntitlementRules): Entitlement {
  const best = [...subs].sort((a, b) => compareSubscriptions(a, b, rules))[0];
  if (!best) return NO_ENTITLEMENT;
  const features = new Set<string>();
  for (const s of subs) if (subscriptionGrantsAccess(s, rules)) for (const f of s.features) features.add(f);
  return {
    active: subscriptionGrantsAccess(best, rules),
    entitlement: best.entitlement,
    status: best.status,
    subscriptionId: best.id,
    currentPeriodEnd: best.currentPeriodEnd,
    cancelAt: pendingCancelAt(best),
    features: [...features].sort(),
    trialEnd: best.status === "trialing" ? best.trialEnd : null,
    scheduledPriceId: isEnded(best) ? null : best.scheduledPriceId,
    scheduledAt: isEnded(best) ? null : best.scheduledAt,
  };
}

/** Does the entitlement give this feature now? Same rule as public.has_feature(). */
export function hasFeature(entitlement: Pick<Entitlement, "active" | "features">, feature: string): boolean {
  return entitlement.active && entitlement.features.includes(feature);
}

export const DEFAULT_RULES = { pastDueGraceMs: 0 } as const;
