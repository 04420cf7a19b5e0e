// The same cases through the pure TypeScript rules and through public.sync_customer: they must agree.
import { deriveEntitlement, type SubscriptionFacts } from "@gatehouse/billing";
import { BASIC_FEATURES, CASE_NOW, ENTITLEMENT_CASES, PRO_FEATURES } from "@gatehouse/billing/entitlement-cases";
import { expect, test } from "vitest";
import { asRole, createUser, useSeededPool } from "./db.ts";

const pool = useSeededPool();
/** The seeded price whose product gives exactly these features (supabase/tests/db.ts seedCatalog). */
function priceFor(s: SubscriptionFacts): { id: string; product: string } {
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();
  if (s.entitlement === null) return { id: "price_plain", product: "prod_plain" };
  if (same(s.features, PRO_FEATURES)) return { id: "price_pro_monthly", product: "prod_pro" };
  if (same(s.features, BASIC_FEATURES)) return { id: "price_basic_monthly", product: "prod_basic" };
  throw new Error(`no seeded product gives ${s.features.join(", ")}`);
}

/** The case as Stripe would list it, with its dates moved so that CASE_NOW is the database's now. */
function toStripe(s: SubscriptionFacts, customer: string, shiftMs: number) {
  const sec = (ms: number | null) => (ms === null ? null : Math.round((ms + shiftMs) / 1000));
  const price = priceFor(s);
  const schedule =
    s.scheduledPriceId === null
      ? null
      : {
          id: `sub_sched_${s.id}`,
          object: "subscription_schedule",
          status: "active",
          end_behavior: "release",
          phases: [
            {
              start_date: sec(s.currentPeriodStart),
              end_date: sec(s.scheduledAt),
              items: [{ price: price.id, quantity: 1 }],
            },
            { start_date: sec(s.scheduledAt), end_date: null, items: [{ price: s.scheduledPriceId, quantity: 1 }] },
          ],
        };
  return {
    id: s.id,
    object: "subscription",
    customer,
    status: s.status,
    cancel_at: sec(s.cancelAt),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    created: sec(s.created),
    trial_start: s.trialEnd === null ? null : sec(s.created),
    trial_end: sec(s.trialEnd),
    schedule,
    metadata: {},
    items: {
      data: [
        {
          current_period_start: sec(s.currentPeriodStart),
          current_period_end: sec(s.currentPeriodEnd),
          price,
        },
      ],
    },
  };
}

test.each(ENTITLEMENT_CASES)("SQL agrees with TypeScript: $name", async ({ subs, pastDueGraceMs, expect: want }) => {
  await asRole(pool, "service_role", null, async (q) => {
    const dbNow = (await q.query<{ now: Date }>("select now()")).rows[0]?.now.getTime() ?? Date.now();
    const shift = dbNow - CASE_NOW;
    await q.query("update public.billing_settings set past_due_grace = make_interval(secs => $1)", [
      (pastDueGraceMs ?? 0) / 1000,
    ]);
    const user = await createUser(q);
    await q.query("select public.bind_customer($1, 'cus_case')", [user]);
    const { rows } = await q.query<{
      active: boolean;
      status: string | null;
      subscription_id: string | null;
      cancel_at: Date | null;
      features: string[];
      trial_end: Date | null;
      scheduled_price_id: string | null;
      scheduled_at: Date | null;
    }>(
      `select active, status, subscription_id, cancel_at, features, trial_end, scheduled_price_id, scheduled_at
       from public.sync_customer('cus_case', $1)`,
      [JSON.stringify(subs.map((s) => toStripe(s, "cus_case", shift)))],
    );
    const sql = rows[0];
    const back = (d: Date | null | undefined) => (d ? d.getTime() - Math.round(shift / 1000) * 1000 : null);
    const ts = deriveEntitlement(subs, { pastDueGraceMs: pastDueGraceMs ?? 0, now: CASE_NOW });
    const fromSql = {
      active: sql?.active ?? false,
      status: sql?.status ?? null,
      subscriptionId: sql?.subscription_id ?? null,
      cancelAt: back(sql?.cancel_at),
      features: sql?.features ?? [],
      trialEnd: back(sql?.trial_end),
      scheduledPriceId: sql?.scheduled_price_id ?? null,
      scheduledAt: back(sql?.scheduled_at),
    };
    const fromTs = {
      active: ts.active,
      status: ts.status,
      subscriptionId: ts.subscriptionId,
      cancelAt: ts.cancelAt,
      features: ts.features,
      trialEnd: ts.trialEnd,
      scheduledPriceId: ts.scheduledPriceId,
      scheduledAt: ts.scheduledAt,
    };
    expect(fromSql).toEqual(fromTs);
    expect(fromTs).toMatchObject(want);
  });
});
