import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asOwner, asRole, connect, createUser, errorCode, seedCatalog, stripeSubscription } from "./db.ts";

let pool: pg.Pool;
let alice: string;
let bob: string;
let carol: string; // signed in, never paid

beforeAll(async () => {
  pool = connect();
  await asOwner(pool, async (q) => {
    await seedCatalog(q);
    alice = await createUser(q);
    bob = await createUser(q);
    carol = await createUser(q);
    await q.query("select public.bind_customer($1, 'cus_alice'), public.bind_customer($2, 'cus_bob')", [alice, bob]);
    await q.query("select public.sync_customer('cus_alice', $1)", [
      JSON.stringify([stripeSubscription({ id: "sub_alice", customer: "cus_alice", status: "active" })]),
    ]);
    await q.query("select public.sync_customer('cus_bob', $1)", [
      JSON.stringify([stripeSubscription({ id: "sub_bob", customer: "cus_bob", status: "canceled" })]),
    ]);
    await q.query("select public.record_stripe_event('evt_1', 'customer.subscription.created', now(), 'cus_alice')");
  });
});

afterAll(async () => {
  await pool.end();
});

/**
 * Changes alice's entitlement as the owner (`$1` is alice), then runs fn as alice (authenticated) in
 * the same transaction, rolled back afterwards.
 */
async function asAliceAfter(update: string, fn: (q: pg.PoolClient) => Promise<void>): Promise<void> {
  await asOwner(pool, async (q) => {
    await q.query("begin");
    await q.query(update, [alice]);
    await q.query("select set_config('request.jwt.claims', $1, true)", [
      JSON.stringify({ sub: alice, role: "authenticated" }),
    ]);
    await q.query("set local role authenticated");
    await fn(q);
    await q.query("rollback");
  });
}

const count = async (q: pg.PoolClient, sql: string, params: unknown[] = []) =>
  Number((await q.query<{ n: string }>(`select count(*) as n from (${sql}) s`, params)).rows[0]?.n);

describe("anon (publishable key, no session)", () => {
  test("reads active products and prices only", async () => {
    await asRole(pool, "anon", null, async (q) => {
      const products = (await q.query<{ id: string }>("select id from public.products order by id")).rows.map(
        (r) => r.id,
      );
      expect(products).toEqual(["prod_basic", "prod_lifetime", "prod_pro"]);
      const prices = (await q.query<{ id: string }>("select id from public.prices order by id")).rows.map((r) => r.id);
      expect(prices).toEqual(["price_basic_monthly", "price_lifetime", "price_pro_monthly"]);
    });
  });

  test("reads the features of active products, and which product gives which", async () => {
    await asRole(pool, "anon", null, async (q) => {
      const rows = (
        await q.query<{ product_id: string; feature: string }>(
          "select product_id, feature from public.product_features order by product_id, feature",
        )
      ).rows;
      expect(rows).toEqual([
        { product_id: "prod_basic", feature: "library.basic" },
        { product_id: "prod_lifetime", feature: "downloads" },
        { product_id: "prod_lifetime", feature: "library.basic" },
        { product_id: "prod_lifetime", feature: "library.pro" },
        { product_id: "prod_pro", feature: "downloads" },
        { product_id: "prod_pro", feature: "library.basic" },
        { product_id: "prod_pro", feature: "library.pro" },
      ]);
      expect(await count(q, "select * from public.features")).toBe(3);
    });
  });

  test("has_feature is false without a session", async () => {
    await asRole(pool, "anon", null, async (q) => {
      expect((await q.query("select public.has_feature('library.basic') as ok")).rows[0]?.ok).toBe(false);
    });
  });

  test.each([
    "customers",
    "subscriptions",
    "entitlements",
    "stripe_events",
    "premium_content",
    "billing_settings",
    "trials",
  ])("sees no rows of %s", async (table) => {
    await asRole(pool, "anon", null, async (q) => {
      expect(await count(q, `select * from public.${table}`)).toBe(0);
    });
  });

  test("can list premium previews but never a body", async () => {
    await asRole(pool, "anon", null, async (q) => {
      const { rows, fields } = await q.query("select * from public.premium_previews()");
      expect(rows.length).toBeGreaterThan(0);
      expect(fields.map((f) => f.name)).not.toContain("body");
    });
  });

  test("cannot write the catalog", async () => {
    await asRole(pool, "anon", null, async (q) => {
      expect(
        await errorCode(q, "insert into public.products (id, name, entitlement) values ('prod_x', 'x', 'pro')"),
      ).toBe("42501");
      const upd = await q.query("update public.products set active = false where id = 'prod_pro'");
      expect(upd.rowCount).toBe(0);
    });
  });
});

describe("a signed-in user", () => {
  test("reads their own subscription and entitlement", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      const subs = await q.query<{ id: string }>("select id from public.subscriptions");
      expect(subs.rows.map((r) => r.id)).toEqual(["sub_alice"]);
      const ent = await q.query<{ user_id: string; active: boolean }>(
        "select user_id, active from public.entitlements",
      );
      expect(ent.rows).toEqual([{ user_id: alice, active: true }]);
    });
  });

  test("never reads another user's subscription or entitlement", async () => {
    await asRole(pool, "authenticated", bob, async (q) => {
      expect(await count(q, "select * from public.subscriptions where user_id = $1", [alice])).toBe(0);
      expect(await count(q, "select * from public.entitlements where user_id = $1", [alice])).toBe(0);
    });
  });

  test("with an active entitlement reads premium content", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      expect(await count(q, "select * from public.premium_content")).toBeGreaterThan(0);
    });
  });

  test.each([
    ["whose subscription was canceled", () => bob],
    ["who never paid", () => carol],
  ])("%s reads no premium content", async (_label, who) => {
    await asRole(pool, "authenticated", who(), async (q) => {
      expect(await count(q, "select * from public.premium_content")).toBe(0);
    });
  });

  test("reads exactly the rows of the features their plan holds (has_feature)", async () => {
    await asAliceAfter("update public.entitlements set features = '{library.basic}' where user_id = $1", async (q) => {
      const features = (await q.query<{ feature: string }>("select distinct feature from public.premium_content")).rows;
      expect(features).toEqual([{ feature: "library.basic" }]);
      const asked = await q.query(
        "select public.has_feature('library.basic') as basic, public.has_feature('library.pro') as pro",
      );
      expect(asked.rows[0]).toEqual({ basic: true, pro: false });
    });
  });

  test("holding a feature past the moment access ends (past-due grace) gives nothing", async () => {
    await asAliceAfter(
      "update public.entitlements set features = '{library.basic}', access_ends_at = now() - interval '1 second' where user_id = $1",
      async (q) => {
        expect((await q.query("select public.has_feature('library.basic') as ok")).rows[0]?.ok).toBe(false);
        expect(await count(q, "select * from public.premium_content")).toBe(0);
      },
    );
  });

  test("holding a feature while the entitlement is inactive gives nothing", async () => {
    await asAliceAfter("update public.entitlements set active = false where user_id = $1", async (q) => {
      expect((await q.query("select public.has_feature('library.basic') as ok")).rows[0]?.ok).toBe(false);
      expect(await count(q, "select * from public.premium_content")).toBe(0);
    });
  });

  test("with an active entitlement for another product reads no premium content", async () => {
    await asAliceAfter("update public.entitlements set features = '{other.feature}' where user_id = $1", async (q) => {
      expect(await count(q, "select * from public.premium_content")).toBe(0);
    });
  });

  test("never reads customers or the event ledger, even their own", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      expect(await count(q, "select * from public.customers")).toBe(0);
      expect(await count(q, "select * from public.stripe_events")).toBe(0);
    });
  });

  test("cannot grant themselves access by inserting an entitlement", async () => {
    await asRole(pool, "authenticated", carol, async (q) => {
      const code = await errorCode(
        q,
        "insert into public.entitlements (user_id, active, entitlement, status) values ($1, true, 'pro', 'active')",
        [carol],
      );
      expect(code).toBe("42501");
    });
  });

  test("cannot flip their own entitlement or subscription by updating it", async () => {
    await asRole(pool, "authenticated", bob, async (q) => {
      const e = await q.query("update public.entitlements set active = true where user_id = $1", [bob]);
      const s = await q.query("update public.subscriptions set status = 'active' where user_id = $1", [bob]);
      expect(e.rowCount).toBe(0);
      expect(s.rowCount).toBe(0);
    });
    await asRole(pool, "service_role", null, async (q) => {
      const { rows } = await q.query<{ active: boolean }>("select active from public.entitlements where user_id = $1", [
        bob,
      ]);
      expect(rows[0]?.active).toBe(false);
    });
  });

  test("cannot insert a subscription or a customer row", async () => {
    await asRole(pool, "authenticated", carol, async (q) => {
      expect(
        await errorCode(
          q,
          "insert into public.subscriptions (id, user_id, stripe_customer_id, status, created) values ('sub_fake', $1, 'cus_alice', 'active', now())",
          [carol],
        ),
      ).toBe("42501");
      expect(
        await errorCode(q, "insert into public.customers (user_id, stripe_customer_id) values ($1, 'cus_fake')", [
          carol,
        ]),
      ).toBe("42501");
    });
  });

  test("cannot delete their own rows", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      expect((await q.query("delete from public.entitlements")).rowCount).toBe(0);
      expect((await q.query("delete from public.subscriptions")).rowCount).toBe(0);
    });
  });

  test("cannot write features, product features or trials", async () => {
    await asRole(pool, "authenticated", carol, async (q) => {
      expect(await errorCode(q, "insert into public.features (lookup_key, name) values ('x', 'x')")).toBe("42501");
      expect(
        await errorCode(
          q,
          "insert into public.product_features (product_id, feature) values ('prod_basic', 'library.pro')",
        ),
      ).toBe("42501");
      expect((await q.query("delete from public.trials")).rowCount).toBe(0);
    });
  });

  test("cannot change the past-due grace setting", async () => {
    await asRole(pool, "authenticated", alice, async (q) => {
      expect((await q.query("update public.billing_settings set past_due_grace = interval '1 year'")).rowCount).toBe(0);
    });
  });
});

const writingCalls: Array<[string, string]> = [
  ["sync_customer", "select public.sync_customer('cus_alice', '[]'::jsonb)"],
  ["bind_customer", "select public.bind_customer(auth.uid(), 'cus_mine')"],
  ["record_stripe_event", "select public.record_stripe_event('evt_x', 't', now())"],
  ["finish_stripe_event", "select public.finish_stripe_event('evt_1')"],
  ["upsert_product", `select public.upsert_product('{"id":"prod_x","name":"x","metadata":{"entitlement":"pro"}}')`],
  ["upsert_price", `select public.upsert_price('{"id":"price_x","product":"prod_pro","currency":"eur"}')`],
  ["checkout_context", "select public.checkout_context(auth.uid(), 'price_pro_monthly')"],
  ["customers_to_reconcile", "select public.customers_to_reconcile()"],
  ["trial_eligible", "select public.trial_eligible(auth.uid())"],
  ["change_plan_context", "select public.change_plan_context(auth.uid(), 'price_pro_monthly')"],
  ["record_plan_preview", "select public.record_plan_preview(auth.uid(), 'price_pro_monthly', 1)"],
  ["claim_plan_change", "select public.claim_plan_change(auth.uid(), 'token')"],
  ["release_plan_change", "select public.release_plan_change(auth.uid(), 'token')"],
];

describe("the writing functions", () => {
  test.each(writingCalls)("%s is refused to a signed-in user", async (_name, sql) => {
    await asRole(pool, "authenticated", carol, async (q) => {
      expect(await errorCode(q, sql)).toBe("42501");
    });
  });

  test.each(writingCalls)("%s is refused to anon", async (_name, sql) => {
    await asRole(pool, "anon", null, async (q) => {
      expect(await errorCode(q, sql)).toBe("42501");
    });
  });

  test.each(writingCalls)("%s is executable by the service role", async (_name, sql) => {
    await asRole(pool, "service_role", null, async (q) => {
      expect(await errorCode(q, sql.replace("auth.uid()", `'${carol}'::uuid`))).toBeNull();
    });
  });

  test("no public function other than premium_previews, library_files, has_access, has_feature and is_admin is executable by the API roles", async () => {
    await asOwner(pool, async (q) => {
      const { rows } = await q.query<{ fn: string }>(
        `select p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))`,
      );
      expect(rows.map((r) => r.fn).sort()).toEqual([
        "has_access",
        "has_feature",
        "is_admin",
        "library_files",
        "premium_previews",
      ]);
    });
  });
});

describe("the service role", () => {
  test("reads every row of the private tables", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      // Other test files share this database: count this file's rows only.
      const mine = [alice, bob, carol];
      expect(await count(q, "select * from public.customers where user_id = any($1::uuid[])", [mine])).toBe(2);
      expect(await count(q, "select * from public.stripe_events where id = 'evt_1'")).toBe(1);
      expect(await count(q, "select * from public.entitlements where user_id = any($1::uuid[])", [mine])).toBe(2);
    });
  });
});

describe("schema guarantees", () => {
  test("every public table has row level security enabled", async () => {
    await asOwner(pool, async (q) => {
      const { rows } = await q.query<{ relname: string }>(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity",
      );
      expect(rows).toEqual([]);
    });
  });

  test("no policy lets anon or authenticated write", async () => {
    await asOwner(pool, async (q) => {
      const { rows } = await q.query(
        "select tablename, policyname, cmd from pg_policies where schemaname = 'public' and cmd <> 'SELECT'",
      );
      expect(rows).toEqual([]);
    });
  });

  test("customers and stripe_events have no policies at all", async () => {
    await asOwner(pool, async (q) => {
      const { rows } = await q.query(
        "select policyname from pg_policies where schemaname = 'public' and tablename in ('customers', 'stripe_events')",
      );
      expect(rows).toEqual([]);
    });
  });

  test("entitlements is published to realtime with the full replica identity", async () => {
    await asOwner(pool, async (q) => {
      const pub = await q.query(
        "select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'entitlements'",
      );
      expect(pub.rowCount).toBe(1);
      const ident = await q.query<{ relreplident: string }>(
        "select relreplident from pg_class where oid = 'public.entitlements'::regclass",
      );
      expect(ident.rows[0]?.relreplident).toBe("f");
    });
  });
});
