// Features mirrored from Stripe, entitlements.features kept current when a product's features
// change, and one trial per user and per Stripe customer, decided in the database.
import type pg from "pg";
import { describe, expect, test } from "vitest";
import {
  asRole,
  BASIC,
  createCustomer,
  createUser,
  productFeatures,
  stripeSubscription,
  syncCustomer,
  useSeededPool,
} from "./db.ts";

const pool = useSeededPool();
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

const customer = (q: pg.PoolClient) => createCustomer(q, { idLength: 12 });

async function featuresOf(q: pg.PoolClient, user: string): Promise<string[]> {
  const { rows } = await q.query<{ features: string[] }>(
    "select features from public.entitlements where user_id = $1",
    [user],
  );
  return rows[0]?.features ?? [];
}

describe("product features", () => {
  test("upsert_product replaces a product's features and recomputes its subscribers' entitlements", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await syncCustomer(q, cus, [
        stripeSubscription({ id: `sub_b_${cus}`, customer: cus, status: "active", ...BASIC }),
      ]);
      expect(await featuresOf(q, user)).toEqual(["library.basic"]);
      await q.query(
        `select public.upsert_product('{"id":"prod_basic","name":"Gatehouse Basic","active":true,"metadata":{"entitlement":"basic"}}', $1)`,
        [JSON.stringify(productFeatures("prod_basic", ["library.basic", "downloads"]))],
      );
      expect(await featuresOf(q, user)).toEqual(["downloads", "library.basic"]);
      await q.query(
        `select public.upsert_product('{"id":"prod_basic","name":"Gatehouse Basic","active":true,"metadata":{"entitlement":"basic"}}', '[]')`,
      );
      expect(await featuresOf(q, user)).toEqual([]);
    });
  });

  test("upsert_product without features leaves them as they are", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      await q.query(
        `select public.upsert_product('{"id":"prod_pro","name":"Gatehouse Pro (renamed)","active":true,"metadata":{"entitlement":"pro"}}')`,
      );
      const { rows } = await q.query<{ feature: string }>(
        "select feature from public.product_features where product_id = 'prod_pro' order by feature",
      );
      expect(rows.map((r) => r.feature)).toEqual(["downloads", "library.basic", "library.pro"]);
    });
  });

  test("a product with features but no metadata.entitlement is stored; one with neither is not", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const withFeatures = await q.query<{ ok: boolean }>(
        `select public.upsert_product('{"id":"prod_feat","name":"F","metadata":{}}', $1) as ok`,
        [JSON.stringify(productFeatures("prod_feat", ["library.basic"]))],
      );
      expect(withFeatures.rows[0]?.ok).toBe(true);
      const bare = await q.query<{ ok: boolean }>(
        `select public.upsert_product('{"id":"prod_bare","name":"B","metadata":{}}', '[]') as ok`,
      );
      expect(bare.rows[0]?.ok).toBe(false);
    });
  });

  test("a malformed features argument is refused with 22023", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      await expect(
        q.query(`select public.upsert_product('{"id":"prod_pro","metadata":{}}', '{"not":"an array"}')`),
      ).rejects.toMatchObject({ code: "22023" });
    });
  });
});

describe("one trial per user, ever", () => {
  const trialing = (id: string, cus: string) => ({
    ...stripeSubscription({ id, customer: cus, status: "trialing", periodEnd: now() + 7 * DAY }),
    trial_start: now(),
    trial_end: now() + 7 * DAY,
  });

  test("a new user may have the price's trial", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const user = await createUser(q);
      const { rows } = await q.query<{ ctx: { trialEligible: boolean; price: { trialPeriodDays: number | null } } }>(
        "select public.checkout_context($1, 'price_pro_monthly') as ctx",
        [user],
      );
      expect(rows[0]?.ctx.trialEligible).toBe(true);
      expect(rows[0]?.ctx.price.trialPeriodDays).toBe(7);
      expect((await q.query("select public.trial_eligible($1) as ok", [user])).rows[0]?.ok).toBe(true);
    });
  });

  test("a former trialer gets no second trial, even once Stripe no longer lists that subscription", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await syncCustomer(q, cus, [trialing(`sub_t_${cus}`, cus)]);
      // The trial ended without a card: canceled, then gone from the listing altogether.
      await q.query("select public.sync_customer($1, '[]')", [cus]);
      const { rows } = await q.query<{ ctx: { trialEligible: boolean; price: { trialPeriodDays: number | null } } }>(
        "select public.checkout_context($1, 'price_pro_monthly') as ctx",
        [user],
      );
      expect(rows[0]?.ctx.trialEligible).toBe(false);
      expect(rows[0]?.ctx.price.trialPeriodDays).toBeNull();
      expect((await q.query("select public.trial_eligible($1) as ok", [user])).rows[0]?.ok).toBe(false);
    });
  });

  test("a trial recorded for the Stripe customer counts for whoever that customer is bound to", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const other = await createUser(q);
      await q.query(
        "insert into public.trials (subscription_id, user_id, stripe_customer_id, trial_start) values ($1, $2, $3, now())",
        [`sub_elsewhere_${cus}`, other, cus],
      );
      expect((await q.query("select public.trial_eligible($1) as ok", [user])).rows[0]?.ok).toBe(false);
    });
  });

  test("a stale snapshot still records the trial", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await q.query("select public.sync_customer($1, '[]', now())", [cus]);
      await q.query("select public.sync_customer($1, $2, now() - interval '1 minute')", [
        cus,
        JSON.stringify([trialing(`sub_s_${cus}`, cus)]),
      ]);
      expect((await q.query("select public.trial_eligible($1) as ok", [user])).rows[0]?.ok).toBe(false);
    });
  });

  test("a paying subscriber who never trialed may still have one trial", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await syncCustomer(q, cus, [stripeSubscription({ id: `sub_p_${cus}`, customer: cus, status: "canceled" })]);
      expect((await q.query("select public.trial_eligible($1) as ok", [user])).rows[0]?.ok).toBe(true);
    });
  });
});

describe("scheduled changes", () => {
  test("an expanded schedule's next phase is the entitlement's scheduled change; a released one is not", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const end = now() + 20 * DAY;
      const base = stripeSubscription({ id: `sub_sc_${cus}`, customer: cus, status: "active", periodEnd: end });
      const schedule = (status: string) => ({
        id: `sub_sched_${cus}`,
        object: "subscription_schedule",
        status,
        phases: [
          { start_date: now() - DAY, end_date: end, items: [{ price: "price_pro_monthly", quantity: 1 }] },
          { start_date: end, end_date: end + 30 * DAY, items: [{ price: "price_basic_monthly", quantity: 1 }] },
        ],
      });
      await syncCustomer(q, cus, [{ ...base, schedule: schedule("active") }]);
      const { rows } = await q.query<{ scheduled_price_id: string | null; scheduled_at: Date | null }>(
        "select scheduled_price_id, scheduled_at from public.entitlements where user_id = $1",
        [user],
      );
      expect(rows[0]?.scheduled_price_id).toBe("price_basic_monthly");
      expect(rows[0]?.scheduled_at?.getTime()).toBe(end * 1000);
      await syncCustomer(q, cus, [{ ...base, schedule: schedule("released") }]);
      const after = await q.query<{ scheduled_price_id: string | null }>(
        "select scheduled_price_id from public.entitlements where user_id = $1",
        [user],
      );
      expect(after.rows[0]?.scheduled_price_id).toBeNull();
    });
  });
});

describe("plan changes", () => {
  test("claim_plan_change is a compare-and-set: a second claim fails until the first is released", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user } = await customer(q);
      const claim = async (token: string) =>
        (await q.query<{ ok: boolean }>("select public.claim_plan_change($1, $2) as ok", [user, token])).rows[0]?.ok;
      expect(await claim("a")).toBe(true);
      expect(await claim("b")).toBe(false);
      await q.query("select public.release_plan_change($1, 'b')", [user]);
      expect(await claim("b")).toBe(false);
      await q.query("select public.release_plan_change($1, 'a')", [user]);
      expect(await claim("b")).toBe(true);
    });
  });

  test("change_plan_context gives the subscription, both prices with their features, and a recent preview", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await syncCustomer(q, cus, [
        stripeSubscription({ id: `sub_cp_${cus}`, customer: cus, status: "active", ...BASIC }),
      ]);
      await q.query("select public.record_plan_preview($1, 'price_pro_monthly', 1234)", [user]);
      const { rows } = await q.query<{ ctx: Record<string, unknown> }>(
        "select public.change_plan_context($1, 'price_pro_monthly') as ctx",
        [user],
      );
      expect(rows[0]?.ctx).toMatchObject({
        customerId: cus,
        subscription: { id: `sub_cp_${cus}`, status: "active", priceId: "price_basic_monthly" },
        current: { priceId: "price_basic_monthly", features: ["library.basic"], unitAmount: 900 },
        target: {
          priceId: "price_pro_monthly",
          features: ["downloads", "library.basic", "library.pro"],
          sellable: true,
        },
        previewProrationDate: 1234,
      });
      const other = await q.query<{ ctx: Record<string, unknown> }>(
        "select public.change_plan_context($1, 'price_basic_monthly') as ctx",
        [user],
      );
      expect(other.rows[0]?.ctx.previewProrationDate).toBeNull();
    });
  });
});
