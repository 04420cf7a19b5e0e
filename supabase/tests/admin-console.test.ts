import type { Drift } from "@gatehouse/types/db-functions";
import type pg from "pg";
import { describe, expect, test } from "vitest";
import { asRole, createCustomer, errorCode, stripeSubscription, syncCustomer, useSeededPool } from "./db.ts";

const pool = useSeededPool();

const customer = (q: pg.PoolClient, email?: string) => createCustomer(q, { email });

describe("doctor_compare", () => {
  test("finds nothing after a sync, then an entitlement flipped by SQL field by field, and writes nothing", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const subs = JSON.stringify([stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })]);
      await q.query("select public.sync_customer($1, $2)", [cus, subs]);
      const clean = (await q.query<{ d: Drift }>("select public.doctor_compare($1, $2) as d", [cus, subs])).rows[0]?.d;
      expect(clean).toEqual({ userId: user, customerId: cus, fields: [] });
      await q.query("update public.entitlements set active = false where user_id = $1", [user]);
      await q.query("update public.subscriptions set status = 'canceled' where id = $1", [`sub_${cus}`]);
      const historyBefore = (
        await q.query("select count(*)::int as n from public.entitlement_changes where user_id = $1", [user])
      ).rows[0]?.n;
      const drift = (await q.query<{ d: Drift }>("select public.doctor_compare($1, $2) as d", [cus, subs])).rows[0]?.d;
      expect(drift?.fields).toEqual([
        { field: "entitlement.active", database: false, stripe: true },
        { field: `subscription.sub_${cus}.status`, database: "canceled", stripe: "active" },
      ]);
      // Nothing written: the database still holds the drift, the history is unchanged.
      const { rows } = await q.query("select active from public.entitlements where user_id = $1", [user]);
      expect(rows[0]?.active).toBe(false);
      const historyAfter = (
        await q.query("select count(*)::int as n from public.entitlement_changes where user_id = $1", [user])
      ).rows[0]?.n;
      expect(historyAfter).toBe(historyBefore);
    });
  });

  test("answers null for a customer that is not Gatehouse's", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      expect((await q.query("select public.doctor_compare('cus_unknown', '[]') as d")).rows[0]?.d).toBeNull();
    });
  });
});

describe("admin reads", () => {
  test("admin_customers searches by email, customer id and status, pages by keyset", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const tag = `tag${Date.now()}`;
      const a = await customer(q, `alice-${tag}@example.test`);
      const b = await customer(q, `bob-${tag}@example.test`);
      await syncCustomer(q, a.cus, [stripeSubscription({ id: `sub_${a.cus}`, customer: a.cus, status: "active" })]);
      const list = async (args: unknown[]) =>
        (await q.query<{ r: { userId: string }[] }>("select public.admin_customers($1, $2, $3, $4, $5, $6) as r", args))
          .rows[0]?.r ?? [];
      expect((await list([tag, null, null, null, null, 25])).map((r) => r.userId).sort()).toEqual(
        [a.user, b.user].sort(),
      );
      expect((await list([b.cus, null, null, null, null, 25])).map((r) => r.userId)).toEqual([b.user]);
      expect((await list([tag, "active", null, null, null, 25])).map((r) => r.userId)).toEqual([a.user]);
      expect((await list([tag, "none", null, null, null, 25])).map((r) => r.userId)).toEqual([b.user]);
      expect((await list(["%", null, null, null, null, 5])).length).toBe(0);
      const first = await list([tag, null, null, null, null, 1]);
      const firstRow = first[0] as unknown as { userId: string; createdAt: string };
      const second = await list([tag, null, null, firstRow.createdAt, firstRow.userId, 1]);
      expect(second.map((r) => r.userId)).toEqual([[a.user, b.user].find((u) => u !== firstRow.userId)]);
    });
  });

  test("admin_customer gathers a user's page; null for an unknown user; only the service role runs them", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await q.query("select public.sync_customer_caused($1, $2, now(), '{}', 'cron')", [
        cus,
        JSON.stringify([stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })]),
      ]);
      const page = (await q.query("select public.admin_customer($1) as p", [user])).rows[0]?.p;
      expect(page).toMatchObject({ customerId: cus, user: { id: user, isAdmin: false } });
      expect(page.subscriptions).toHaveLength(1);
      expect(page.history.map((h: { cause: string }) => h.cause)).toEqual(["cron"]);
      expect((await q.query("select public.admin_customer(gen_random_uuid()) as p")).rows[0]?.p).toBeNull();
      const overview = (await q.query("select public.admin_overview() as o")).rows[0]?.o;
      expect(overview.byStatus.active).toBeGreaterThan(0);
      expect(overview.mrr.find((m: { currency: string }) => m.currency === "eur")?.amount).toBeGreaterThanOrEqual(1900);
    });
    await asRole(pool, "authenticated", null, async (q) => {
      expect(await errorCode(q, "select public.admin_overview()")).toBe("42501");
      expect(await errorCode(q, "select public.admin_customers()")).toBe("42501");
      expect(await errorCode(q, "select public.doctor_compare('cus_x', '[]')")).toBe("42501");
    });
  });
});
