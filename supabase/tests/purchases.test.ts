// One-time purchases in the database: the mirror of Stripe's currency_options, purchases written
// from snapshots (newer wins), the entitlement's union of subscriptions and purchases, RLS, and
// what checkout_context says about one-time prices and lifetime owners.
import type pg from "pg";
import { describe, expect, test } from "vitest";
import {
  asOwner,
  asRole,
  BASIC,
  createCustomer,
  createUser,
  stripeSubscription,
  syncCustomer,
  useSeededPool,
} from "./db.ts";

const pool = useSeededPool();

const customer = (q: pg.PoolClient) => createCustomer(q, { idLength: 12 });

function purchase(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    status,
    priceId: "price_lifetime",
    productId: "prod_lifetime",
    amount: 23880,
    amountTax: 3980,
    amountRefunded: 0,
    currency: "eur",
    paymentIntentId: `pi_${id}`,
    chargeId: `ch_${id}`,
    receiptUrl: `https://pay.example/receipts/ch_${id}`,
    createdAt: "2026-12-01T10:00:00Z",
    ...extra,
  };
}

interface Ent {
  active: boolean;
  features: string[];
  source: string | null;
  entitlement: string | null;
  access_ends_at: string | null;
  price_id: string | null;
}

async function syncPurchases(q: pg.PoolClient, cus: string, list: unknown[], at = new Date().toISOString()) {
  const { rows } = await q.query<Ent>("select * from public.sync_purchases($1, $2, $3)", [
    cus,
    JSON.stringify(list),
    at,
  ]);
  return rows[0];
}

describe("prices mirror currency options and tax behaviour", () => {
  test("upsert_price keeps the other currencies (not the price's own) and the tax behaviour", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { rows } = await q.query(
        "select type, currency_options, tax_behavior from public.prices where id = 'price_lifetime'",
      );
      expect(rows[0]).toEqual({
        type: "one_time",
        currency_options: { usd: { unit_amount: 21900, tax_behavior: "exclusive" } },
        tax_behavior: "inclusive",
      });
      // Read again without expand[]=currency_options: the options stay.
      await q.query(
        `select public.upsert_price('{"id":"price_lifetime","metadata":{"gatehouse_catalog":"true"},"product":"prod_lifetime","active":true,"currency":"eur","unit_amount":19900,"type":"one_time","tax_behavior":"inclusive"}')`,
      );
      const again = await q.query("select currency_options from public.prices where id = 'price_lifetime'");
      expect(again.rows[0].currency_options).toEqual({ usd: { unit_amount: 21900, tax_behavior: "exclusive" } });
    });
  });
});

describe("purchases", () => {
  test("a paid purchase grants its product's features for good; refunded or a lost dispute takes them away", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const paid = await syncPurchases(q, cus, [purchase(`cs_a_${cus}`, "paid")]);
      expect(paid).toMatchObject({
        active: true,
        source: "purchase",
        entitlement: "pro",
        access_ends_at: null,
        price_id: "price_lifetime",
      });
      expect(paid?.features).toEqual(["downloads", "library.basic", "library.pro"]);
      let t = Date.now();
      const later = () => {
        t += 1000;
        return new Date(t).toISOString();
      };
      for (const status of ["refunded", "disputed"]) {
        const ent = await syncPurchases(q, cus, [purchase(`cs_a_${cus}`, status)], later());
        expect(ent).toMatchObject({ active: false, source: null, features: [] });
        expect(await syncPurchases(q, cus, [purchase(`cs_a_${cus}`, "paid")], later())).toMatchObject({ active: true });
      }
      const { rows } = await q.query("select count(*)::int as n from public.purchases where user_id = $1", [user]);
      expect(rows[0].n).toBe(1);
    });
  });

  test("an older snapshot never overwrites a newer one (a refund read before a stale paid read)", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const t1 = "2026-12-02T08:00:00Z";
      const t2 = "2026-12-02T08:00:05Z";
      await syncPurchases(q, cus, [purchase(`cs_b_${cus}`, "refunded", { amountRefunded: 23880 })], t2);
      const ent = await syncPurchases(q, cus, [purchase(`cs_b_${cus}`, "paid")], t1);
      expect(ent?.active).toBe(false);
      const { rows } = await q.query("select status, amount_refunded from public.purchases where id = $1", [
        `cs_b_${cus}`,
      ]);
      expect(rows[0]).toEqual({ status: "refunded", amount_refunded: "23880" });
    });
  });

  test("a subscriber who buys keeps access; features are the union; the subscription's dates stay", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const now = Math.floor(Date.now() / 1000);
      await syncCustomer(q, cus, [
        stripeSubscription({
          id: `sub_${cus}`,
          customer: cus,
          status: "active",
          ...BASIC,
          cancelAtPeriodEnd: true,
          periodEnd: now + 10 * 86_400,
        }),
      ]);
      const ent = await syncPurchases(q, cus, [purchase(`cs_c_${cus}`, "paid")]);
      expect(ent).toMatchObject({ active: true, source: "purchase", entitlement: "pro" });
      expect(ent?.features).toEqual(["downloads", "library.basic", "library.pro"]);
      const { rows } = await q.query<{ status: string; cancel_at: Date; subscription_id: string }>(
        "select status, cancel_at, subscription_id from public.entitlements where subscription_id = $1",
        [`sub_${cus}`],
      );
      expect(rows[0]?.status).toBe("active");
      expect(rows[0]?.cancel_at?.getTime()).toBe((now + 10 * 86_400) * 1000);
      // Refunded: the subscription still grants until its end.
      const after = await syncPurchases(
        q,
        cus,
        [purchase(`cs_c_${cus}`, "refunded")],
        new Date(Date.now() + 1000).toISOString(),
      );
      expect(after).toMatchObject({ active: true, source: "subscription", features: ["library.basic"] });
    });
  });

  test("refuses malformed purchases and unknown customers", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      for (const bad of [
        [{ ...purchase("sess_1", "paid") }],
        [{ ...purchase(`cs_d_${cus}`, "pending") }],
        [{ ...purchase(`cs_d_${cus}`, "paid"), amount: null }],
      ]) {
        await q.query("savepoint s");
        const err = await q.query("select public.sync_purchases($1, $2)", [cus, JSON.stringify(bad)]).catch((e) => e);
        await q.query("rollback to savepoint s");
        expect(err.code).toBe("22023");
      }
      const unknown = await q
        .query("select public.sync_purchases('cus_nobody', '[]')")
        .catch((e: { code: string }) => e);
      expect((unknown as { code: string }).code).toBe("P0002");
    });
  });

  test("owners read their own purchases only; nobody else can call sync_purchases or sync_purchases_caused", async () => {
    let owner = "";
    let other = "";
    await asOwner(pool, async (q) => {
      const a = await createUser(q);
      const b = await createUser(q);
      await q.query("select public.bind_customer($1, $2)", [a, `cus_rls_${a.slice(0, 8)}`]);
      await q.query("select public.sync_purchases($1, $2)", [
        `cus_rls_${a.slice(0, 8)}`,
        JSON.stringify([purchase(`cs_rls_${a}`, "paid")]),
      ]);
      owner = a;
      other = b;
    });
    const mine = await asRole(pool, "authenticated", owner, (q) =>
      q.query("select id, amount, receipt_url from public.purchases"),
    );
    expect(mine.rows.map((r) => r.id)).toEqual([`cs_rls_${owner}`]);
    const theirs = await asRole(pool, "authenticated", other, (q) => q.query("select id from public.purchases"));
    expect(theirs.rows).toEqual([]);
    const anon = await asRole(pool, "anon", null, (q) => q.query("select id from public.purchases"));
    expect(anon.rows).toEqual([]);
    for (const role of ["anon", "authenticated"] as const) {
      for (const fn of ["sync_purchases", "sync_purchases_caused"]) {
        const err = await asRole(pool, role, other, (q) =>
          q.query(`select public.${fn}('cus_x', '[]')`).catch((e: { code: string }) => e),
        );
        expect((err as { code: string }).code).toBe("42501");
      }
    }
  });
});

describe("checkout_context with one-time prices", () => {
  test("sells the lifetime price with its currencies and names a paid purchase", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const ctx = async () =>
        (await q.query("select public.checkout_context($1, 'price_lifetime') as c", [user])).rows[0].c;
      expect((await ctx()).price).toMatchObject({ type: "one_time", currencies: ["eur", "usd"] });
      expect((await ctx()).ownedPurchaseId).toBeNull();
      await syncPurchases(q, cus, [purchase(`cs_e_${cus}`, "paid")]);
      expect((await ctx()).ownedPurchaseId).toBe(`cs_e_${cus}`);
      const monthly = (await q.query("select public.checkout_context($1, 'price_pro_monthly') as c", [user])).rows[0].c;
      expect(monthly.price).toMatchObject({ type: "recurring", currencies: ["eur"] });
      expect(monthly.ownedPurchaseId).toBe(`cs_e_${cus}`);
    });
  });
});
