// Shared cases for the entitlement rules: run by the pure TS tests and by the SQL agreement test.
import type { Entitlement, SubscriptionFacts } from "./entitlement.ts";

const DAY = 86_400_000;
export const CASE_NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** The demo tiers' features (catalog.ts): Basic ⊂ Pro. */
export const BASIC_FEATURES = ["library.basic"] as const;
export const PRO_FEATURES = ["downloads", "library.basic", "library.pro"] as const;

export function sub(overrides: Partial<SubscriptionFacts> & Pick<SubscriptionFacts, "id">): SubscriptionFacts {
  return {
    status: "active",
    entitlement: "pro",
    features: PRO_FEATURES,
    currentPeriodStart: CASE_NOW - 10 * DAY,
    currentPeriodEnd: CASE_NOW + 20 * DAY,
    cancelAt: null,
    cancelAtPeriodEnd: false,
    created: CASE_NOW - 40 * DAY,
    trialEnd: null,
    scheduledPriceId: null,
    scheduledAt: null,
    ...overrides,
  };
}

export interface EntitlementCase {
  name: string;
  subs: SubscriptionFacts[];
  pastDueGraceMs?: number;
  expect: Pick<Entitlement, "active" | "status" | "subscriptionId" | "cancelAt"> &
    Partial<Pick<Entitlement, "features" | "trialEnd" | "scheduledPriceId" | "scheduledAt">>;
}

const basic = (overrides: Partial<SubscriptionFacts> & Pick<SubscriptionFacts, "id">) =>
  sub({ entitlement: "basic", features: BASIC_FEATURES, ...overrides });

const end = CASE_NOW + 20 * DAY;
const none = { active: false, status: null, subscriptionId: null, cancelAt: null } as const;

export const ENTITLEMENT_CASES: EntitlementCase[] = [
  { name: "no subscription grants nothing", subs: [], expect: none },
  {
    name: "active grants access",
    subs: [sub({ id: "sub_a" })],
    expect: { active: true, status: "active", subscriptionId: "sub_a", cancelAt: null },
  },
  {
    name: "trialing grants access",
    subs: [sub({ id: "sub_t", status: "trialing" })],
    expect: { active: true, status: "trialing", subscriptionId: "sub_t", cancelAt: null },
  },
  {
    name: "past_due without grace does not",
    subs: [sub({ id: "sub_p", status: "past_due" })],
    expect: { active: false, status: "past_due", subscriptionId: "sub_p", cancelAt: null },
  },
  {
    name: "past_due within the grace period does",
    subs: [sub({ id: "sub_p", status: "past_due" })],
    pastDueGraceMs: 14 * DAY,
    expect: { active: true, status: "past_due", subscriptionId: "sub_p", cancelAt: null },
  },
  {
    name: "past_due after the grace period does not",
    subs: [sub({ id: "sub_p", status: "past_due" })],
    pastDueGraceMs: 3 * DAY,
    expect: { active: false, status: "past_due", subscriptionId: "sub_p", cancelAt: null },
  },
  // Every other status grants nothing, whatever the rest says.
  ...(["unpaid", "canceled", "incomplete", "incomplete_expired", "paused"] as const).map((status) => ({
    name: `${status} does not`,
    subs: [sub({ id: `sub_${status}`, status })],
    expect: { active: false, status, subscriptionId: `sub_${status}`, cancelAt: null },
  })),
  {
    name: "active without an entitlement key grants nothing",
    subs: [sub({ id: "sub_n", entitlement: null, features: [] })],
    expect: { active: false, status: "active", subscriptionId: "sub_n", cancelAt: null, features: [] },
  },
  {
    name: "cancel_at_period_end keeps access and reports the period end",
    subs: [sub({ id: "sub_e", cancelAtPeriodEnd: true })],
    expect: { active: true, status: "active", subscriptionId: "sub_e", cancelAt: end },
  },
  {
    name: "cancel_at (portal) keeps access and reports that date",
    subs: [sub({ id: "sub_d", cancelAt: CASE_NOW + 5 * DAY })],
    expect: { active: true, status: "active", subscriptionId: "sub_d", cancelAt: CASE_NOW + 5 * DAY },
  },
  {
    name: "a canceled subscription has no pending cancellation",
    subs: [sub({ id: "sub_c", status: "canceled", cancelAtPeriodEnd: true })],
    expect: { active: false, status: "canceled", subscriptionId: "sub_c", cancelAt: null },
  },
  {
    name: "an active subscription beats a canceled one",
    subs: [
      sub({ id: "sub_old", status: "canceled", created: CASE_NOW - DAY }),
      sub({ id: "sub_new", created: CASE_NOW - 2 * DAY }),
    ],
    expect: { active: true, status: "active", subscriptionId: "sub_new", cancelAt: null },
  },
  {
    name: "active beats trialing",
    subs: [sub({ id: "sub_t", status: "trialing" }), sub({ id: "sub_a" })],
    expect: { active: true, status: "active", subscriptionId: "sub_a", cancelAt: null },
  },
  {
    name: "with two active, the later period end wins",
    subs: [sub({ id: "sub_1" }), sub({ id: "sub_2", currentPeriodEnd: end + DAY })],
    expect: { active: true, status: "active", subscriptionId: "sub_2", cancelAt: null },
  },
  {
    name: "a granting trial beats a past_due without grace",
    subs: [sub({ id: "sub_p", status: "past_due" }), sub({ id: "sub_t", status: "trialing" })],
    expect: { active: true, status: "trialing", subscriptionId: "sub_t", cancelAt: null },
  },
  {
    name: "an active one without entitlement loses to a trialing one with it",
    subs: [sub({ id: "sub_n", entitlement: null, features: [] }), sub({ id: "sub_t", status: "trialing" })],
    expect: { active: true, status: "trialing", subscriptionId: "sub_t", cancelAt: null },
  },
  {
    name: "among ended ones, past_due outranks canceled",
    subs: [sub({ id: "sub_c", status: "canceled" }), sub({ id: "sub_p", status: "past_due" })],
    expect: { active: false, status: "past_due", subscriptionId: "sub_p", cancelAt: null },
  },
  {
    name: "Basic gives the basic library only",
    subs: [basic({ id: "sub_b" })],
    expect: { active: true, status: "active", subscriptionId: "sub_b", cancelAt: null, features: ["library.basic"] },
  },
  {
    name: "Pro gives every feature",
    subs: [sub({ id: "sub_p" })],
    expect: { active: true, status: "active", subscriptionId: "sub_p", cancelAt: null, features: [...PRO_FEATURES] },
  },
  {
    name: "two granting subscriptions give the union of their features",
    subs: [basic({ id: "sub_b", currentPeriodEnd: end + DAY }), sub({ id: "sub_p" })],
    expect: { active: true, status: "active", subscriptionId: "sub_b", cancelAt: null, features: [...PRO_FEATURES] },
  },
  {
    name: "a canceled Pro beside an active Basic gives Basic only",
    subs: [sub({ id: "sub_p", status: "canceled" }), basic({ id: "sub_b" })],
    expect: { active: true, status: "active", subscriptionId: "sub_b", cancelAt: null, features: ["library.basic"] },
  },
  {
    name: "a past_due Pro without grace beside an active Basic gives Basic only",
    subs: [sub({ id: "sub_p", status: "past_due" }), basic({ id: "sub_b" })],
    expect: { active: true, status: "active", subscriptionId: "sub_b", cancelAt: null, features: ["library.basic"] },
  },
  {
    name: "a past_due Pro within the grace still gives Pro beside an active Basic",
    subs: [sub({ id: "sub_p", status: "past_due" }), basic({ id: "sub_b" })],
    pastDueGraceMs: 14 * DAY,
    expect: { active: true, status: "active", subscriptionId: "sub_b", cancelAt: null, features: [...PRO_FEATURES] },
  },
  {
    name: "an ended subscription gives no features",
    subs: [sub({ id: "sub_c", status: "canceled" })],
    expect: { active: false, status: "canceled", subscriptionId: "sub_c", cancelAt: null, features: [] },
  },
  {
    name: "a Pro trial gives Pro features and reports when the trial ends",
    subs: [
      sub({ id: "sub_t", status: "trialing", trialEnd: CASE_NOW + 7 * DAY, currentPeriodEnd: CASE_NOW + 7 * DAY }),
    ],
    expect: {
      active: true,
      status: "trialing",
      subscriptionId: "sub_t",
      cancelAt: null,
      features: [...PRO_FEATURES],
      trialEnd: CASE_NOW + 7 * DAY,
    },
  },
  {
    name: "a paid subscription reports no trial end, even after a trial",
    subs: [sub({ id: "sub_a", trialEnd: CASE_NOW - 20 * DAY })],
    expect: { active: true, status: "active", subscriptionId: "sub_a", cancelAt: null, trialEnd: null },
  },
  {
    name: "a scheduled downgrade keeps Pro until the period ends and reports the change",
    subs: [sub({ id: "sub_p", scheduledPriceId: "price_basic_monthly", scheduledAt: end })],
    expect: {
      active: true,
      status: "active",
      subscriptionId: "sub_p",
      cancelAt: null,
      features: [...PRO_FEATURES],
      scheduledPriceId: "price_basic_monthly",
      scheduledAt: end,
    },
  },
  {
    name: "a canceled subscription reports no scheduled change",
    subs: [sub({ id: "sub_c", status: "canceled", scheduledPriceId: "price_basic_monthly", scheduledAt: end })],
    expect: {
      active: false,
      status: "canceled",
      subscriptionId: "sub_c",
      cancelAt: null,
      scheduledPriceId: null,
      scheduledAt: null,
    },
  },
];
