import { SUBSCRIPTION_STATUSES } from "@gatehouse/billing";
import type { PgRow } from "@gatehouse/types";
import type pg from "pg";
import { describe, expect, test } from "vitest";
import { asOwner, asRole, createCustomer, createUser, errorCode, stripeSubscription, useSeededPool } from "./db.ts";

const pool = useSeededPool();
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

type EntRow = Pick<
  PgRow<"entitlements", "current_period_end" | "cancel_at" | "updated_at">,
  "active" | "entitlement" | "status" | "subscription_id" | "current_period_end" | "cancel_at" | "updated_at"
>;

/** A fresh user bound to a fresh customer, inside the service-role transaction. */
const customer = (q: pg.PoolClient) => createCustomer(q);

async function sync(q: pg.PoolClient, cus: string, subs: unknown[], snapshotAt?: Date): Promise<EntRow> {
  const { rows } = snapshotAt
    ? await q.query<EntRow>("select * from public.sync_customer($1, $2, $3)", [cus, JSON.stringify(subs), snapshotAt])
    : await q.query<EntRow>("select * from public.sync_customer($1, $2)", [cus, JSON.stringify(subs)]);
  const row = rows[0];
  if (!row) throw new Error("sync_customer returned nothing");
  return row;
}

describe("sync_customer", () => {
  test("grants access for an active subscription and mirrors it", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q);
      const end = now() + 20 * DAY;
      const ent = await sync(q, cus, [
        stripeSubscription({ id: "sub_1", customer: cus, status: "active", periodEnd: end }),
      ]);
      expect(ent).toMatchObject({ active: true, entitlement: "pro", status: "active", subscription_id: "sub_1" });
      expect(ent.current_period_end?.getTime()).toBe(end * 1000);
      const { rows } = await q.query(
        "select user_id, status, price_id, product_id, entitlement from public.subscriptions where id = 'sub_1'",
      );
      expect(rows[0]).toEqual({
        user_id: user,
        status: "active",
        price_id: "price_pro_monthly",
        product_id: "prod_pro",
        entitlement: "pro",
      });
    });
  });

  test("is idempotent: the same snapshot twice changes nothing the second time", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const subs = [stripeSubscription({ id: "sub_2", customer: cus, status: "active" })];
      const first = await sync(q, cus, subs);
      const second = await sync(q, cus, subs);
      expect(second).toEqual(first);
    });
  });

  test("ignores a snapshot read before the last applied one", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const newer = new Date();
      const older = new Date(newer.getTime() - 5_000);
      await sync(q, cus, [stripeSubscription({ id: "sub_3", customer: cus, status: "canceled" })], newer);
      const ent = await sync(q, cus, [stripeSubscription({ id: "sub_3", customer: cus, status: "active" })], older);
      expect(ent).toMatchObject({ active: false, status: "canceled" });
      const { rows } = await q.query<{ status: string }>("select status from public.subscriptions where id = 'sub_3'");
      expect(rows[0]?.status).toBe("canceled");
    });
  });

  test("applies a newer snapshot after an older one", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const t0 = new Date(Date.now() - 5_000);
      await sync(q, cus, [stripeSubscription({ id: "sub_4", customer: cus, status: "incomplete" })], t0);
      const ent = await sync(
        q,
        cus,
        [stripeSubscription({ id: "sub_4", customer: cus, status: "active" })],
        new Date(),
      );
      expect(ent).toMatchObject({ active: true, status: "active" });
    });
  });

  test("with several subscriptions, the best one wins", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const ent = await sync(q, cus, [
        stripeSubscription({ id: "sub_old", customer: cus, status: "canceled" }),
        stripeSubscription({ id: "sub_trial", customer: cus, status: "trialing" }),
        stripeSubscription({ id: "sub_due", customer: cus, status: "past_due" }),
      ]);
      expect(ent).toMatchObject({ active: true, status: "trialing", subscription_id: "sub_trial" });
    });
  });

  // Only active and trialing grant access (no past_due grace configured here).
  test.each(SUBSCRIPTION_STATUSES.map((status) => [status, status === "active" || status === "trialing"] as const))(
    "status %s gives active=%s",
    async (status, active) => {
      await asRole(pool, "service_role", null, async (q) => {
        const { cus } = await customer(q);
        const ent = await sync(q, cus, [stripeSubscription({ id: `sub_${status}`, customer: cus, status })]);
        expect(ent.active).toBe(active);
        expect(ent.status).toBe(status);
      });
    },
  );

  test("past_due keeps access within a configured grace period", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      await q.query("update public.billing_settings set past_due_grace = interval '3 days'");
      const { cus } = await customer(q);
      const recent = await sync(q, cus, [
        stripeSubscription({ id: "sub_g", customer: cus, status: "past_due", periodStart: now() - DAY }),
      ]);
      expect(recent.active).toBe(true);
      const late = await sync(q, cus, [
        stripeSubscription({ id: "sub_g", customer: cus, status: "past_due", periodStart: now() - 4 * DAY }),
      ]);
      expect(late.active).toBe(false);
    });
  });

  test("cancel_at_period_end keeps access and reports the period end as cancel_at", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const end = now() + 10 * DAY;
      const ent = await sync(q, cus, [
        stripeSubscription({ id: "sub_e", customer: cus, status: "active", periodEnd: end, cancelAtPeriodEnd: true }),
      ]);
      expect(ent.active).toBe(true);
      expect(ent.cancel_at?.getTime()).toBe(end * 1000);
    });
  });

  test("cancel_at (the portal's way) keeps access and reports that date", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const at = now() + 3 * DAY;
      const ent = await sync(q, cus, [
        stripeSubscription({ id: "sub_c", customer: cus, status: "active", cancelAt: at }),
      ]);
      expect(ent.active).toBe(true);
      expect(ent.cancel_at?.getTime()).toBe(at * 1000);
    });
  });

  test("an active subscription to a product without an entitlement grants nothing", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const ent = await sync(q, cus, [
        stripeSubscription({
          id: "sub_x",
          customer: cus,
          status: "active",
          price: "price_other",
          product: "prod_other",
        }),
      ]);
      expect(ent.active).toBe(false);
    });
  });

  test("takes the entitlement from an expanded product when the catalog does not know it", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const sub = stripeSubscription({ id: "sub_exp", customer: cus, status: "active" });
      const item = sub.items.data[0];
      if (!item) throw new Error("no item");
      const expanded = {
        ...sub,
        items: {
          ...sub.items,
          data: [
            { ...item, price: { id: "price_new", product: { id: "prod_new", metadata: { entitlement: "pro" } } } },
          ],
        },
      };
      const ent = await sync(q, cus, [expanded]);
      expect(ent).toMatchObject({ active: true, entitlement: "pro" });
    });
  });

  test("drops subscriptions Stripe no longer lists", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      await sync(q, cus, [stripeSubscription({ id: "sub_gone", customer: cus, status: "active" })]);
      const ent = await sync(q, cus, []);
      expect(ent).toMatchObject({ active: false, status: null, subscription_id: null });
      expect((await q.query("select 1 from public.subscriptions where id = 'sub_gone'")).rowCount).toBe(0);
    });
  });

  test("refuses an unknown customer with a hint", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      expect(await errorCode(q, "select public.sync_customer('cus_nobody', '[]'::jsonb)")).toBe("P0002");
    });
  });

  test("refuses subscriptions of another customer and a non-array", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { cus } = await customer(q);
      const foreign = JSON.stringify([stripeSubscription({ id: "sub_f", customer: "cus_other", status: "active" })]);
      expect(await errorCode(q, "select public.sync_customer($1, $2)", [cus, foreign])).toBe("22023");
      expect(await errorCode(q, "select public.sync_customer($1, '{}'::jsonb)", [cus])).toBe("22023");
    });
  });

  test("does not touch the entitlement row when nothing changed (no realtime noise)", async () => {
    await asOwner(pool, async (q) => {
      const { cus, user } = await customer(q);
      const subs = [stripeSubscription({ id: `sub_q_${user.slice(0, 6)}`, customer: cus, status: "active" })];
      await sync(q, cus, subs);
      const before = (
        await q.query<{ xmin: string }>("select xmin from public.entitlements where user_id = $1", [user])
      ).rows[0]?.xmin;
      await sync(q, cus, subs);
      const after = (await q.query<{ xmin: string }>("select xmin from public.entitlements where user_id = $1", [user]))
        .rows[0]?.xmin;
      expect(after).toBe(before);
    });
  });
});

describe("the event ledger", () => {
  test("counts repeated deliveries and records errors and completion", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      await q.query("select public.record_stripe_event('evt_dup', 'invoice.paid', now(), 'cus_1')");
      const { rows } = await q.query<{ attempts: number; processed_at: Date | null }>(
        "select attempts, processed_at from public.record_stripe_event('evt_dup', 'invoice.paid', now())",
      );
      expect(rows[0]).toEqual({ attempts: 2, processed_at: null });
      await q.query("select public.finish_stripe_event('evt_dup', 'database unavailable')");
      const failed = await q.query("select last_error, processed_at from public.stripe_events where id = 'evt_dup'");
      expect(failed.rows[0]).toEqual({ last_error: "database unavailable", processed_at: null });
      await q.query("select public.finish_stripe_event('evt_dup')");
      const ok = await q.query<{ last_error: string | null; processed_at: Date | null; customer_id: string }>(
        "select last_error, processed_at, customer_id from public.stripe_events where id = 'evt_dup'",
      );
      expect(ok.rows[0]?.last_error).toBeNull();
      expect(ok.rows[0]?.processed_at).toBeInstanceOf(Date);
      expect(ok.rows[0]?.customer_id).toBe("cus_1");
    });
  });
});

describe("bind_customer", () => {
  test("binds once and returns the first customer on a second attempt", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const user = await createUser(q);
      const first = await q.query<{ c: string }>("select public.bind_customer($1, 'cus_first') as c", [user]);
      const second = await q.query<{ c: string }>("select public.bind_customer($1, 'cus_second') as c", [user]);
      expect(first.rows[0]?.c).toBe("cus_first");
      expect(second.rows[0]?.c).toBe("cus_first");
    });
  });

  test("refuses a customer already bound to another user", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const a = await createUser(q);
      const b = await createUser(q);
      await q.query("select public.bind_customer($1, 'cus_shared')", [a]);
      expect(await errorCode(q, "select public.bind_customer($1, 'cus_shared')", [b])).toBe("23505");
    });
  });
});

describe("catalog upserts", () => {
  test("skip products without metadata.entitlement and prices of unknown products", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const p = await q.query<{ ok: boolean }>(
        `select public.upsert_product('{"id":"prod_free","name":"Free","metadata":{}}') as ok`,
      );
      const pr = await q.query<{ ok: boolean }>(
        `select public.upsert_price('{"id":"price_free","product":"prod_free","currency":"eur"}') as ok`,
      );
      expect(p.rows[0]?.ok).toBe(false);
      expect(pr.rows[0]?.ok).toBe(false);
    });
  });

  test("a deleted price becomes inactive", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      await q.query(
        `select public.upsert_price('{"id":"price_pro_monthly","product":"prod_pro","currency":"eur","unit_amount":900,"deleted":true,"recurring":{"interval":"month"}}')`,
      );
      const { rows } = await q.query<{ active: boolean }>(
        "select active from public.prices where id = 'price_pro_monthly'",
      );
      expect(rows[0]?.active).toBe(false);
    });
  });

  test("checkout_context sells only active recurring catalog prices of entitled products", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const user = await createUser(q);
      const ctx = async (price: string) =>
        (
          await q.query<{ c: { price: { id: string } | null; hasAccess: boolean } }>(
            "select public.checkout_context($1, $2) as c",
            [user, price],
          )
        ).rows[0]?.c;
      expect((await ctx("price_pro_monthly"))?.price?.id).toBe("price_pro_monthly");
      expect((await ctx("price_old"))?.price).toBeNull();
      expect((await ctx("price_nope"))?.price).toBeNull();
      expect((await ctx("price_pro_monthly"))?.hasAccess).toBe(false);
      // An active recurring price of the entitled product, made outside the catalog (the dashboard).
      await q.query(
        `select public.upsert_price('{"id":"price_dashboard_jpy","product":"prod_pro","active":true,"currency":"jpy","unit_amount":1,"type":"recurring","recurring":{"interval":"year"},"metadata":{}}')`,
      );
      expect((await ctx("price_dashboard_jpy"))?.price).toBeNull();
    });
  });
});

describe("record_stripe_event with p_processed", () => {
  test("records an event Gatehouse ignores as processed in one call, and a repeat stays processed", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const first = await q.query<{ attempts: number; processed_at: Date | null }>(
        "select attempts, processed_at from public.record_stripe_event('evt_ignored', 'charge.succeeded', now(), null, true)",
      );
      expect(first.rows[0]?.processed_at).toBeInstanceOf(Date);
      const again = await q.query<{ attempts: number; processed_at: Date | null }>(
        "select attempts, processed_at from public.record_stripe_event('evt_ignored', 'charge.succeeded', now())",
      );
      expect(again.rows[0]?.attempts).toBe(2);
      expect(again.rows[0]?.processed_at).toBeInstanceOf(Date);
    });
  });
});

describe("sync_customer_caused and the customer's earlier events", () => {
  /** Records events of the customer as received a minute ago, then syncs answering `answered`. */
  async function sweep(
    q: pg.PoolClient,
    types: string[],
    purchasesRead: boolean | null,
    answered: string[] = [],
  ): Promise<Record<string, boolean>> {
    const { cus } = await customer(q);
    const ids = types.map((_t, i) => `evt_sweep_${i}_${cus}`);
    for (const [i, t] of types.entries())
      await q.query("select public.record_stripe_event($1, $2, now(), $3)", [ids[i], t, cus]);
    await q.query("update public.stripe_events set received_at = now() - interval '1 minute' where customer_id = $1", [
      cus,
    ]);
    const eventIds = answered.map((t) => ids[types.indexOf(t)]);
    if (purchasesRead === null)
      await q.query("select public.sync_customer_caused($1, '[]', now(), $2, 'webhook')", [cus, eventIds]);
    else
      await q.query("select public.sync_customer_caused($1, '[]', now(), $2, 'webhook', null, null, $3)", [
        cus,
        eventIds,
        purchasesRead,
      ]);
    const { rows } = await q.query<{ type: string; done: boolean }>(
      "select type, processed_at is not null as done from public.stripe_events where customer_id = $1",
      [cus],
    );
    return Object.fromEntries(rows.map((r) => [r.type, r.done]));
  }

  const types = [
    "customer.subscription.updated",
    "invoice.paid",
    "checkout.session.completed",
    "charge.refunded",
    "charge.dispute.closed",
    "payment_intent.succeeded",
    "refund.updated",
  ];

  test("a sync that read the purchases (the default) answers every earlier event", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const all = Object.fromEntries(types.map((t) => [t, true]));
      expect(await sweep(q, types, null)).toEqual(all);
      expect(await sweep(q, types, true)).toEqual(all);
    });
  });

  test("a sync that did not read them leaves the payment events unprocessed, except those it was given", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      expect(await sweep(q, types, false, ["invoice.paid"])).toEqual({
        "customer.subscription.updated": true,
        "invoice.paid": true,
        "checkout.session.completed": false,
        "charge.refunded": false,
        "charge.dispute.closed": false,
        "payment_intent.succeeded": false,
        "refund.updated": false,
      });
      // A subscription checkout's own event, handed over explicitly, is answered.
      expect((await sweep(q, types, false, ["checkout.session.completed"]))["checkout.session.completed"]).toBe(true);
    });
  });
});
