// Item 8 of issue 12: with the past-due grace on, access ends exactly when the grace ends, even
// though nothing re-syncs the customer at that moment.

import { inTransaction } from "@gatehouse/sandbox/postgres";
import type pg from "pg";
import { describe, expect, test } from "vitest";
import { asOwner, asRole, createUser, stripeSubscription, useSeededPool } from "./db.ts";

const pool = useSeededPool();
const DAY = 86_400;

const count = async (q: pg.PoolClient, sql: string, params: unknown[] = []) =>
  Number((await q.query<{ n: string }>(`select count(*) as n from (${sql}) s`, params)).rows[0]?.n);

/** Reads premium content as the signed-in user inside the current transaction, then returns to the owner. */
async function premiumRowsAs(q: pg.PoolClient, user: string): Promise<number> {
  await q.query("select set_config('request.jwt.claims', $1, true)", [
    JSON.stringify({ sub: user, role: "authenticated", aud: "authenticated" }),
  ]);
  await q.query("set local role authenticated");
  const n = await count(q, "select * from public.premium_content");
  await q.query("reset role");
  return n;
}

describe("the past-due grace", () => {
  test("access ends when the grace ends, with no re-sync", async () => {
    const { user, endsAt } = await inTransaction(pool, async (client) => {
      // The setting is shared by every test file: hold its row lock and put it back before commit.
      const saved = (
        await client.query<{ g: string }>("select past_due_grace::text as g from public.billing_settings for update")
      ).rows[0]?.g;
      const user = await createUser(client);
      const cus = `cus_grace_${user.slice(0, 8)}`;
      await client.query("select public.bind_customer($1, $2)", [user, cus]);
      const periodStart = Math.floor(Date.now() / 1000) - 3 * DAY;
      // A grace that ends 1 ms after this transaction's now().
      await client.query(
        "update public.billing_settings set past_due_grace = (now() + interval '1 millisecond') - to_timestamp($1)",
        [periodStart],
      );
      const synced = await client.query<{ active: boolean; access_ends_at: Date | null }>(
        "select active, access_ends_at from public.sync_customer($1, $2)",
        [
          cus,
          JSON.stringify([
            stripeSubscription({ id: `sub_grace_${user.slice(0, 8)}`, customer: cus, status: "past_due", periodStart }),
          ]),
        ],
      );
      expect(synced.rows[0]?.active).toBe(true);
      const endsAt = synced.rows[0]?.access_ends_at ?? null;
      const txNow = (await client.query<{ now: Date }>("select now()")).rows[0]?.now;
      expect(endsAt?.getTime()).toBe((txNow?.getTime() ?? 0) + 1);
      // Within the grace the user reads premium content.
      expect(await premiumRowsAs(client, user)).toBeGreaterThan(0);
      await client.query("update public.billing_settings set past_due_grace = $1::interval", [saved]);
      return { user, endsAt };
    });

    // Wait for the database clock (not a fixed sleep) to pass the end of the grace.
    for (let i = 0; i < 1000; i++) {
      const { rows } = await pool.query<{ past: boolean }>("select now() > $1::timestamptz as past", [endsAt]);
      if (rows[0]?.past) break;
    }

    await asRole(pool, "authenticated", user, async (q) => {
      // Nothing re-synced: the stored row still says active…
      const row = await q.query<{ active: boolean }>("select active from public.entitlements");
      expect(row.rows).toEqual([{ active: true }]);
      // …but access is over.
      expect(await count(q, "select * from public.premium_content")).toBe(0);
      const access = await q.query<{ a: boolean }>("select public.has_access() as a");
      expect(access.rows[0]?.a).toBe(false);
    });
    await asRole(pool, "service_role", null, async (q) => {
      const due = await q.query<{ c: string }>("select public.customers_to_reconcile(1000) as c");
      expect(due.rows.map((r) => r.c)).toContain(`cus_grace_${user.slice(0, 8)}`);
    });
    await asOwner(pool, (q) => q.query("delete from auth.users where id = $1", [user]));
  });

  test("has_access answers for the caller only, and for the named entitlement", async () => {
    await asOwner(pool, async (q) => {
      await q.query("begin");
      const user = await createUser(q);
      const cus = `cus_has_${user.slice(0, 8)}`;
      await q.query("select public.bind_customer($1, $2)", [user, cus]);
      await q.query("select public.sync_customer($1, $2)", [
        cus,
        JSON.stringify([stripeSubscription({ id: `sub_has_${user.slice(0, 8)}`, customer: cus, status: "active" })]),
      ]);
      const other = await createUser(q);
      const ask = async (who: string) => {
        await q.query("select set_config('request.jwt.claims', $1, true)", [
          JSON.stringify({ sub: who, role: "authenticated" }),
        ]);
        await q.query("set local role authenticated");
        const { rows } = await q.query<{ any: boolean; pro: boolean; other: boolean }>(
          "select public.has_access() as any, public.has_access('pro') as pro, public.has_access('other') as other",
        );
        await q.query("reset role");
        return rows[0];
      };
      expect(await ask(user)).toEqual({ any: true, pro: true, other: false });
      expect(await ask(other)).toEqual({ any: false, pro: false, other: false });
      await q.query("rollback");
    });
  });
});
