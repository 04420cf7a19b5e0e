import type pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { asOwner, asRole, createCustomer, createUser, errorCode, stripeSubscription, useSeededPool } from "./db.ts";

const pool = useSeededPool();
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

interface Change {
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  cause: string;
  event_id: string | null;
  actor: string | null;
}

const customer = (q: pg.PoolClient) => createCustomer(q);

async function caused(
  q: pg.PoolClient,
  cus: string,
  subs: unknown[],
  opts: { eventIds?: string[]; cause?: string; eventId?: string; actor?: string } = {},
): Promise<void> {
  await q.query("select public.sync_customer_caused($1, $2, now(), $3, $4, $5, $6)", [
    cus,
    JSON.stringify(subs),
    opts.eventIds ?? [],
    opts.cause ?? null,
    opts.eventId ?? null,
    opts.actor ?? null,
  ]);
}

async function history(q: pg.PoolClient, user: string): Promise<Change[]> {
  const { rows } = await q.query<Change>(
    "select before, after, cause, event_id, actor from public.entitlement_changes where user_id = $1 order by id",
    [user],
  );
  return rows;
}

describe("entitlement_changes", () => {
  test("a webhook sync records one change with the latest event's type, before and after", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await q.query(
        `select public.record_stripe_event('evt_a_${cus}', 'checkout.session.completed', now() - interval '2 seconds', $1),
                public.record_stripe_event('evt_b_${cus}', 'customer.subscription.created', now() - interval '1 second', $1)`,
        [cus],
      );
      await caused(q, cus, [stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })], {
        eventIds: [`evt_a_${cus}`, `evt_b_${cus}`],
        cause: "webhook",
      });
      const rows = await history(q, user);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        before: null,
        cause: "webhook:customer.subscription.created",
        event_id: `evt_b_${cus}`,
        actor: null,
      });
      expect(rows[0]?.after).toMatchObject({ active: true, status: "active", price_id: "price_pro_monthly" });
      expect(rows[0]?.after.features).toEqual(["downloads", "library.basic", "library.pro"]);
    });
  });

  test("a sync that changes nothing writes nothing", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const subs = [stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })];
      await caused(q, cus, subs, { cause: "cron" });
      await caused(q, cus, subs, { cause: "cron" });
      await caused(q, cus, subs, { cause: "doctor" });
      expect((await history(q, user)).map((r) => r.cause)).toEqual(["cron"]);
    });
  });

  test("a customer with nothing yet writes no history", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await caused(q, cus, [], { cause: "checkout_sync", actor: user });
      expect(await history(q, user)).toEqual([]);
    });
  });

  test("each change of access is one row with its cause: cancel, resume, failed renewal, recovery, plan change", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const end = now() + 20 * DAY;
      const sub = (over: Partial<Parameters<typeof stripeSubscription>[0]> = {}) =>
        stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active", periodEnd: end, ...over });
      await caused(q, cus, [sub()], { cause: "checkout_sync", actor: user });
      await caused(q, cus, [sub({ cancelAtPeriodEnd: true })], { cause: "webhook" });
      await caused(q, cus, [sub()], { cause: "admin_resync", actor: "admin-id" });
      await caused(q, cus, [sub({ status: "past_due" })], { cause: "replay", eventId: "evt_failed" });
      await caused(q, cus, [sub()], { cause: "cron" });
      await caused(q, cus, [sub({ price: "price_basic_monthly", product: "prod_basic" })], { cause: "plan_change" });
      const rows = await history(q, user);
      expect(rows.map((r) => [r.cause, r.event_id, r.actor])).toEqual([
        ["checkout_sync", null, user],
        ["webhook", null, null],
        ["admin_resync", null, "admin-id"],
        ["replay", "evt_failed", null],
        ["cron", null, null],
        ["plan_change", null, null],
      ]);
      expect(rows[1]?.before?.cancel_at).toBeNull();
      expect(rows[1]?.after.cancel_at).not.toBeNull();
      expect(rows[2]?.after.cancel_at).toBeNull();
      expect(rows[3]?.after).toMatchObject({ status: "past_due", active: false, features: [] });
      expect(rows[4]?.after).toMatchObject({ status: "active", active: true });
      expect(rows[5]?.before?.features).toEqual(["downloads", "library.basic", "library.pro"]);
      expect(rows[5]?.after.features).toEqual(["library.basic"]);
    });
  });

  test("a purchase, a partial and a full refund are recorded with their webhook cause and event, not as database", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const bought = {
        id: `cs_${cus}`,
        status: "paid",
        priceId: "price_lifetime",
        productId: "prod_lifetime",
        amount: 19900,
        amountRefunded: 0,
        currency: "eur",
        createdAt: new Date().toISOString(),
      };
      // What the API does for one queue batch: the purchases (with the cause), then the subscriptions.
      const sync = async (purchase: typeof bought, events: Array<[string, string]>) => {
        for (const [id, type] of events)
          await q.query("select public.record_stripe_event($1, $2, now(), $3)", [`${id}_${cus}`, type, cus]);
        const ids = events.map(([id]) => `${id}_${cus}`);
        await q.query("select public.sync_purchases_caused($1, $2, now(), $3, 'webhook')", [
          cus,
          JSON.stringify([purchase]),
          ids,
        ]);
        await caused(q, cus, [], { eventIds: ids, cause: "webhook" });
      };
      await sync(bought, [["evt_paid", "checkout.session.completed"]]);
      await sync({ ...bought, amountRefunded: 500 }, [["evt_part", "charge.refunded"]]);
      await sync({ ...bought, status: "refunded", amountRefunded: 19900 }, [["evt_full", "charge.refunded"]]);
      const rows = await history(q, user);
      expect(rows.map((r) => [r.cause, r.event_id, r.after.active, r.after.source])).toEqual([
        ["webhook:checkout.session.completed", `evt_paid_${cus}`, true, "purchase"],
        // The partial refund changes no access: no row.
        ["webhook:charge.refunded", `evt_full_${cus}`, false, null],
      ]);
    });
  });

  test("a purchase synced by the success page or by an admin names that cause and the actor; an unknown cause is refused", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const purchase = (status: string) => [
        {
          id: `cs_${cus}`,
          status,
          priceId: "price_lifetime",
          productId: "prod_lifetime",
          amount: 19900,
          currency: "eur",
          createdAt: new Date().toISOString(),
        },
      ];
      await q.query("select public.sync_purchases_caused($1, $2, now(), '{}', 'checkout_sync', null, $3)", [
        cus,
        JSON.stringify(purchase("paid")),
        user,
      ]);
      await q.query("select public.sync_purchases_caused($1, $2, now(), '{}', 'admin_resync', null, 'admin-1')", [
        cus,
        JSON.stringify(purchase("disputed")),
      ]);
      expect((await history(q, user)).map((r) => [r.cause, r.actor, r.after.active])).toEqual([
        ["checkout_sync", user, true],
        ["admin_resync", "admin-1", false],
      ]);
      expect(await errorCode(q, "select public.sync_purchases_caused($1, '[]', now(), '{}', 'because')", [cus])).toBe(
        "22023",
      );
    });
  });

  test("a change by hand is recorded with cause database; an unknown cause is refused", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      await caused(q, cus, [stripeSubscription({ id: `sub_${cus}`, customer: cus, status: "active" })]);
      await q.query("update public.entitlements set active = false where user_id = $1", [user]);
      expect((await history(q, user)).map((r) => r.cause)).toEqual(["database", "database"]);
      expect(await errorCode(q, "select public.sync_customer_caused($1, '[]', now(), '{}', 'because')", [cus])).toBe(
        "22023",
      );
    });
  });

  test("the history is written in the sync's transaction: a failed sync leaves none", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const code = await errorCode(q, "select public.sync_customer_caused($1, $2, now(), '{}', 'cron')", [
        cus,
        JSON.stringify([stripeSubscription({ id: "sub_x", customer: "cus_someone_else", status: "active" })]),
      ]);
      expect(code).toBe("22023");
      expect(await history(q, user)).toEqual([]);
    });
  });
});

describe("who reads the history", () => {
  let alice: string;
  let bob: string;
  let admin: string;
  beforeAll(async () => {
    await asOwner(pool, async (q) => {
      alice = await createUser(q);
      bob = await createUser(q);
      admin = await createUser(q);
      await q.query(`update auth.users set raw_app_meta_data = '{"role":"admin"}' where id = $1`, [admin]);
      for (const [u, c] of [
        [alice, `cus_h_${alice.slice(0, 6)}`],
        [bob, `cus_h_${bob.slice(0, 6)}`],
      ] as const) {
        await q.query("select public.bind_customer($1, $2)", [u, c]);
        await q.query("select public.sync_customer_caused($1, $2, now(), '{}', 'cron')", [
          c,
          JSON.stringify([stripeSubscription({ id: `sub_${c}`, customer: c, status: "active" })]),
        ]);
      }
    });
  });

  const asClaims = async <T>(claims: Record<string, unknown>, fn: (q: pg.PoolClient) => Promise<T>) =>
    asRole(pool, "authenticated", null, async (q) => {
      await q.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
      return fn(q);
    });
  const users = async (q: pg.PoolClient) =>
    new Set(
      (await q.query<{ user_id: string }>("select user_id from public.entitlement_changes")).rows.map((r) => r.user_id),
    );

  test("a user reads their own rows only and cannot write", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      expect([...(await users(q))]).toEqual([alice]);
      expect(
        await errorCode(q, "insert into public.entitlement_changes (user_id, after, cause) values ($1, '{}', 'cron')", [
          alice,
        ]),
      ).toBe("42501");
      expect(await errorCode(q, "select public.sync_customer_caused('cus_x', '[]', now())")).toBe("42501");
    });
  });

  test("anon reads nothing", async () => {
    await asRole(pool, "anon", null, async (q) => {
      expect((await users(q)).size).toBe(0);
    });
  });

  test("an admin (JWT claim and role in auth.users) reads everyone's; the claim alone is not enough", async () => {
    const adminClaims = { sub: admin, role: "authenticated", app_metadata: { role: "admin" } };
    await asClaims(adminClaims, async (q) => {
      expect((await q.query("select public.is_admin() as a")).rows[0]?.a).toBe(true);
      const seen = await users(q);
      expect(seen.has(alice) && seen.has(bob)).toBe(true);
    });
    // A forged or stale claim: the user is not (or no longer) an admin in auth.users.
    await asClaims({ sub: bob, role: "authenticated", app_metadata: { role: "admin" } }, async (q) => {
      expect((await q.query("select public.is_admin() as a")).rows[0]?.a).toBe(false);
      expect([...(await users(q))]).toEqual([bob]);
    });
    // The role in auth.users without the claim (not yet refreshed): not an admin either.
    await asClaims({ sub: admin, role: "authenticated", app_metadata: {} }, async (q) => {
      expect((await q.query("select public.is_admin() as a")).rows[0]?.a).toBe(false);
    });
  });

  test("user_is_admin answers from auth.users, for the service role only", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { rows } = await q.query("select public.user_is_admin($1) as a, public.user_is_admin($2) as b", [
        admin,
        alice,
      ]);
      expect(rows[0]).toEqual({ a: true, b: false });
    });
    await asRole(pool, "authenticated", alice, async (q) => {
      expect(await errorCode(q, "select public.user_is_admin($1)", [alice])).toBe("42501");
    });
  });
});
