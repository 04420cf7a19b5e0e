// The same cases through the pure TypeScript rules and through public.sync_customer: they must agree.
import { deriveEntitlement, type SubscriptionFacts } from "@gatehouse/types";
import { CASE_NOW, ENTITLEMENT_CASES } from "@gatehouse/types/entitlement-cases";
import type pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { asOwner, asRole, connect, createUser, seedCatalog } from "./db.ts";

let pool: pg.Pool;
beforeAll(async () => {
  pool = connect();
  await asOwner(pool, seedCatalog);
});
afterAll(async () => {
  await pool.end();
});

/** The case as Stripe would list it, with its dates moved so that CASE_NOW is the database's now. */
function toStripe(s: SubscriptionFacts, customer: string, shiftMs: number) {
  const sec = (ms: number | null) => (ms === null ? null : Math.round((ms + shiftMs) / 1000));
  return {
    id: s.id,
    object: "subscription",
    customer,
    status: s.status,
    cancel_at: sec(s.cancelAt),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    created: sec(s.created),
    metadata: {},
    items: {
      data: [
        {
          current_period_start: sec(s.currentPeriodStart),
          current_period_end: sec(s.currentPeriodEnd),
          price: s.entitlement
            ? { id: "price_pro_monthly", product: "prod_pro" }
            : { id: "price_plain", product: "prod_plain" },
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
    }>("select active, status, subscription_id, cancel_at from public.sync_customer('cus_case', $1)", [
      JSON.stringify(subs.map((s) => toStripe(s, "cus_case", shift))),
    ]);
    const sql = rows[0];
    const ts = deriveEntitlement(subs, { pastDueGraceMs: pastDueGraceMs ?? 0, now: CASE_NOW });
    const fromSql = {
      active: sql?.active ?? false,
      status: sql?.status ?? null,
      subscriptionId: sql?.subscription_id ?? null,
      cancelAt: sql?.cancel_at ? sql.cancel_at.getTime() - Math.round(shift / 1000) * 1000 : null,
    };
    const fromTs = { active: ts.active, status: ts.status, subscriptionId: ts.subscriptionId, cancelAt: ts.cancelAt };
    expect(fromSql).toEqual(fromTs);
    expect(fromTs).toEqual(want);
  });
});
