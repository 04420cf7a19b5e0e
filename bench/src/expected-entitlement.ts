// What the stand-in's final subscriptions imply for each user (deriveEntitlement, the pure rules),
// compared with the `entitlements` rows the API wrote.
import {
  deriveEntitlement,
  type Entitlement,
  SUBSCRIPTION_STATUSES,
  type SubscriptionFacts,
  type SubscriptionStatus,
} from "@gatehouse/billing";
import type { PgRow } from "@gatehouse/types";
import type pg from "pg";
import type Stripe from "stripe";

function isStatus(s: string): s is SubscriptionStatus {
  return (SUBSCRIPTION_STATUSES as readonly string[]).includes(s);
}

const ms = (v: number | null | undefined) => (typeof v === "number" ? v * 1000 : null);

/** Entitlement key of each product (metadata.entitlement), by product id. */
export function entitlementsByProduct(products: readonly Stripe.Product[]): Map<string, string | null> {
  return new Map(products.map((p) => [p.id, p.metadata?.entitlement || null]));
}

/** What the tiers add to the comparison: each product's features and each live schedule (by id). */
export interface TierFacts {
  features: Map<string, string[]>;
  schedules: Map<string, Stripe.SubscriptionSchedule>;
}

/** The features of each product, as products.listFeatures lists them. */
export async function featuresByProduct(stripe: Stripe, productIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const id of productIds) {
    const keys: string[] = [];
    for await (const pf of stripe.products.listFeatures(id, { limit: 100 }))
      keys.push(pf.entitlement_feature.lookup_key);
    out.set(id, keys);
  }
  return out;
}

/** The next phase of a live schedule that starts at or after the period's end. */
function scheduledChange(sub: Stripe.Subscription, periodEnd: number | null, tiers?: TierFacts) {
  const id = typeof sub.schedule === "string" ? sub.schedule : null;
  const schedule = id ? tiers?.schedules.get(id) : undefined;
  if (!schedule || periodEnd === null || (schedule.status !== "active" && schedule.status !== "not_started"))
    return { priceId: null, at: null };
  const next = schedule.phases.filter((p) => p.start_date >= periodEnd).sort((a, b) => a.start_date - b.start_date)[0];
  const price = next?.items[0]?.price;
  if (!next || !price) return { priceId: null, at: null };
  return { priceId: typeof price === "string" ? price : price.id, at: next.start_date * 1000 };
}

export function factsOf(
  sub: Stripe.Subscription,
  products: Map<string, string | null>,
  tiers?: TierFacts,
): SubscriptionFacts {
  const item = sub.items.data[0];
  const product = item?.price.product;
  const productId = typeof product === "string" ? product : (product?.id ?? "");
  const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number };
  if (!isStatus(sub.status)) throw new Error(`unknown subscription status ${sub.status}`);
  const change = scheduledChange(sub, item?.current_period_end ?? legacy.current_period_end ?? null, tiers);
  return {
    id: sub.id,
    status: sub.status,
    entitlement: products.get(productId) ?? null,
    currentPeriodStart: ms(item?.current_period_start ?? legacy.current_period_start),
    currentPeriodEnd: ms(item?.current_period_end ?? legacy.current_period_end),
    cancelAt: ms(sub.cancel_at),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    created: sub.created * 1000,
    features: tiers?.features.get(productId) ?? [],
    trialEnd: ms(sub.trial_end),
    scheduledPriceId: change.priceId,
    scheduledAt: change.at,
  };
}

export function customerIdOf(sub: Stripe.Subscription): string {
  return typeof sub.customer === "string" ? sub.customer : sub.customer.id;
}

/** The columns of an entitlements row the comparisons read (the benchmark's and the fault suite's). */
export const ENTITLEMENT_DB_COLUMNS = [
  "user_id",
  "active",
  "entitlement",
  "status",
  "subscription_id",
  "current_period_end",
  "cancel_at",
  "features",
  "trial_end",
  "scheduled_price_id",
  "scheduled_at",
  "source",
] as const;

/** Such a row as node-postgres returns it (timestamps as Dates). */
export type EntitlementDbRow = Pick<
  PgRow<"entitlements", "current_period_end" | "cancel_at" | "trial_end" | "scheduled_at">,
  (typeof ENTITLEMENT_DB_COLUMNS)[number]
>;

export interface Mismatch {
  userId: string;
  customerId: string;
  expected: Entitlement;
  actual: Omit<EntitlementDbRow, "user_id"> | null;
}

function same(expected: Entitlement, row: EntitlementDbRow | undefined, tiers?: TierFacts): boolean {
  if (!row) return !expected.active && expected.subscriptionId === null;
  if (tiers) {
    // The features the user may read with (has_feature), the trial's end and the scheduled change.
    const have = row.active ? [...row.features].sort().join(",") : "";
    const want = expected.active ? expected.features.join(",") : "";
    if (have !== want || row.scheduled_price_id !== expected.scheduledPriceId) return false;
    if ((row.scheduled_at?.getTime() ?? null) !== expected.scheduledAt) return false;
    if ((row.trial_end?.getTime() ?? null) !== expected.trialEnd) return false;
  }
  return (
    row.active === expected.active &&
    row.entitlement === expected.entitlement &&
    row.status === expected.status &&
    row.subscription_id === expected.subscriptionId &&
    (row.current_period_end?.getTime() ?? null) === expected.currentPeriodEnd &&
    (row.cancel_at?.getTime() ?? null) === expected.cancelAt
  );
}

/** Compares every user's entitlements row with deriveEntitlement over their customer's subscriptions. */
export async function compareEntitlements(
  db: pg.Pool,
  users: ReadonlyArray<{ userId: string; customerId: string }>,
  subsByCustomer: Map<string, Stripe.Subscription[]>,
  products: Map<string, string | null>,
  tiers?: TierFacts,
): Promise<{ checked: number; mismatches: Mismatch[] }> {
  const { rows } = await db.query<EntitlementDbRow>(
    `select ${ENTITLEMENT_DB_COLUMNS.join(", ")} from public.entitlements where user_id = any($1::uuid[])`,
    [users.map((u) => u.userId)],
  );
  const byUser = new Map(rows.map((r) => [r.user_id, r]));
  const mismatches: Mismatch[] = [];
  const rules = { pastDueGraceMs: 0, now: Date.now() };
  for (const u of users) {
    const subs = (subsByCustomer.get(u.customerId) ?? []).map((s) => factsOf(s, products, tiers));
    const expected = deriveEntitlement(subs, rules);
    const row = byUser.get(u.userId);
    if (!same(expected, row, tiers)) {
      const actual = row ? (({ user_id: _user, ...rest }) => rest)(row) : null;
      mismatches.push({ userId: u.userId, customerId: u.customerId, expected, actual });
    }
  }
  return { checked: users.length, mismatches };
}
