// The contracts the API checks every jsonb (or nullable) result of a SQL function against
// (@gatehouse/types/db-functions), held against the real functions: each answers, in the states
// that shape it differently, JSON its contract accepts. A migration that changes a function's
// result without its contract fails here, not as a 500 in production.
import { DB_FUNCTION_RESULTS } from "@gatehouse/types/db-functions";
import type pg from "pg";
import { describe, expect, test } from "vitest";
import { asRole, createCustomer, stripeSubscription, useSeededPool } from "./db.ts";

const pool = useSeededPool();

type Refined = keyof typeof DB_FUNCTION_RESULTS;

/**
 * The function's result as PostgREST sends it: a scalar or jsonb result as its JSON, a set of rows
 * as a JSON array of them (json_agg, as PostgREST builds it), so bigints are numbers and
 * timestamps ISO strings exactly as the API receives them.
 */
async function asPostgrest(q: pg.PoolClient, call: string, params: unknown[], set = false): Promise<unknown> {
  const sql = set ? `select coalesce(json_agg(t), '[]'::json) as r from ${call} t` : `select to_json(${call}) as r`;
  return (await q.query<{ r: unknown }>(sql, params)).rows[0]?.r;
}

function expectContract(fn: Refined, value: unknown): void {
  const parsed = DB_FUNCTION_RESULTS[fn].safeParse(value);
  expect(parsed.success ? null : { fn, value, issues: parsed.error.issues }).toBeNull();
}

/** A customer on Basic with a synced subscription, a lifetime purchase, a ledger event, a preview. */
async function busyCustomer(q: pg.PoolClient): Promise<{ user: string; cus: string }> {
  const { user, cus } = await createCustomer(q, { idLength: 12 });
  const subs = JSON.stringify([
    stripeSubscription({
      id: `sub_${cus}`,
      customer: cus,
      status: "active",
      price: "price_basic_monthly",
      product: "prod_basic",
    }),
  ]);
  await q.query("select public.record_stripe_event($1, 'customer.subscription.updated', now(), $2)", [
    `evt_${cus}`,
    cus,
  ]);
  await q.query("select public.sync_customer_caused($1, $2, now(), array[$3], 'webhook', $3)", [
    cus,
    subs,
    `evt_${cus}`,
  ]);
  await q.query("select public.record_plan_preview($1, 'price_pro_monthly', 1234)", [user]);
  return { user, cus };
}

describe("every refined SQL function answers what its contract declares", () => {
  test("checkout_context: a recurring price, a one-time price, a price it does not sell", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user } = await busyCustomer(q);
      const { user: fresh } = await createCustomer(q, { idLength: 12 });
      for (const [who, price] of [
        [user, "price_pro_monthly"],
        [fresh, "price_pro_monthly"],
        [fresh, "price_lifetime"],
        [fresh, "price_unknown"],
      ]) {
        expectContract("checkout_context", await asPostgrest(q, "public.checkout_context($1, $2)", [who, price]));
      }
    });
  });

  test("change_plan_context: with a subscription and a target, with neither", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user } = await busyCustomer(q);
      const { user: fresh } = await createCustomer(q, { idLength: 12 });
      const ctx = await asPostgrest(q, "public.change_plan_context($1, $2)", [user, "price_pro_monthly"]);
      expect(ctx).toMatchObject({ previewProrationDate: 1234, target: { sellable: true } });
      expectContract("change_plan_context", ctx);
      expectContract("change_plan_context", await asPostgrest(q, "public.change_plan_context($1, $2)", [fresh, null]));
    });
  });

  test("the console's reads: overview, list, a customer's page, an unknown user", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user } = await busyCustomer(q);
      const page = await asPostgrest(q, "public.admin_customer($1)", [user]);
      expect(page).toMatchObject({
        events: [{ processedAt: expect.any(String) }],
        history: [{ cause: "webhook:customer.subscription.updated" }],
      });
      expectContract("admin_customer", page);
      expectContract("admin_customer", await asPostgrest(q, "public.admin_customer(gen_random_uuid())", []));
      expectContract("admin_overview", await asPostgrest(q, "public.admin_overview()", []));
      const list = await asPostgrest(q, "public.admin_customers(null, null, null, null, null, 101)", []);
      expect(Array.isArray(list) && list.length > 0).toBe(true);
      expectContract("admin_customers", list);
    });
  });

  test("doctor_compare: a drifted customer, and a customer of no user (null)", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await busyCustomer(q);
      await q.query("update public.entitlements set active = false where user_id = $1", [user]);
      const subs = JSON.stringify([stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })]);
      const drift = await asPostgrest(q, "public.doctor_compare($1, $2)", [cus, subs]);
      expect(drift).toMatchObject({ userId: user, fields: expect.arrayContaining([expect.anything()]) });
      expectContract("doctor_compare", drift);
      expectContract("doctor_compare", await asPostgrest(q, "public.doctor_compare('cus_nobody', '[]')", []));
    });
  });

  test("the nullable scalars and the sets of rows", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user } = await createCustomer(q, { idLength: 12 });
      const taken = await asPostgrest(q, "public.take_checkout_lease($1, 'lease_1', 30)", [user]);
      expect(taken).toEqual({ taken: true, openSessionId: null });
      expectContract("take_checkout_lease", taken);
      const busy = await asPostgrest(q, "public.take_checkout_lease($1, 'lease_2', 30)", [user]);
      expect(busy).toEqual({ taken: false, openSessionId: null });
      expectContract("take_checkout_lease", busy);
      const nobody = await asPostgrest(q, "public.user_id_by_email('nobody@example.test')", []);
      expect(nobody).toBeNull();
      expectContract("user_id_by_email", nobody);
      expectContract("library_files", await asPostgrest(q, "public.library_files()", [], true));
    });
  });
});
