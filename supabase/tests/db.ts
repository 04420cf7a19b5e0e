import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";

export type Role = "anon" | "authenticated" | "service_role";

export function connect(): pg.Pool {
  return new pg.Pool({ connectionString: inject("databaseUrl"), max: 4 });
}

/** The usual set-up of a test file: a pool, the demo catalog seeded before its tests, the pool closed after them. */
export function useSeededPool(): pg.Pool {
  const pool = connect();
  beforeAll(async () => {
    await asOwner(pool, seedCatalog);
  });
  afterAll(async () => {
    await pool.end();
  });
  return pool;
}

/**
 * Runs fn inside a transaction the way PostgREST runs a request: `set local role`, the JWT claims
 * in request.jwt.claims. Rolled back afterwards, so tests leave nothing behind.
 */
export async function asRole<T>(
  pool: pg.Pool,
  role: Role,
  userId: string | null,
  fn: (q: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const claims = userId ? { sub: userId, role, aud: "authenticated" } : { role };
    await client.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
    await client.query(`set local role ${role}`);
    return await fn(client);
  } finally {
    await client.query("rollback").catch(() => undefined);
    client.release();
  }
}

/** Runs fn as the connecting superuser, committed (fixtures). */
export async function asOwner<T>(pool: pg.Pool, fn: (q: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** The SQLSTATE a statement fails with, or null when it succeeds (inside a savepoint). */
export async function errorCode(q: pg.PoolClient, sql: string, params: unknown[] = []): Promise<string | null> {
  await q.query("savepoint attempt");
  try {
    await q.query(sql, params);
    await q.query("release savepoint attempt");
    return null;
  } catch (e) {
    await q.query("rollback to savepoint attempt");
    return (e as { code?: string }).code ?? "unknown";
  }
}

/** Creates a user in auth.users as the owner (as Supabase Auth would), then returns to the current role. */
export async function createUser(q: pg.PoolClient, email = `${randomUUID()}@example.test`): Promise<string> {
  const role = (await q.query<{ r: string }>("select current_user as r")).rows[0]?.r ?? "postgres";
  await q.query("reset role");
  const { rows } = await q.query<{ id: string }>("insert into auth.users (email) values ($1) returning id", [email]);
  if (role !== "postgres") await q.query(`set local role ${role}`);
  const row = rows[0];
  if (!row) throw new Error("no user row");
  return row.id;
}

/** A fresh user bound to a fresh customer `cus_<first idLength characters of the user id>`, in the current transaction. */
export async function createCustomer(
  q: pg.PoolClient,
  opts: { email?: string; idLength?: number } = {},
): Promise<{ user: string; cus: string }> {
  const user = await createUser(q, opts.email);
  const cus = `cus_${user.slice(0, opts.idLength ?? 8)}`;
  await q.query("select public.bind_customer($1, $2)", [user, cus]);
  return { user, cus };
}

export interface StripeSubInput {
  id: string;
  customer: string;
  status: string;
  price?: string;
  product?: string;
  periodStart?: number;
  periodEnd?: number;
  cancelAt?: number | null;
  cancelAtPeriodEnd?: boolean;
  created?: number;
}

/** A Stripe Subscription object as subscriptions.list returns it (API 2026-10-28: periods on the items). */
export function stripeSubscription(s: StripeSubInput) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: s.id,
    object: "subscription",
    customer: s.customer,
    status: s.status,
    cancel_at: s.cancelAt ?? null,
    cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
    canceled_at: null,
    ended_at: null,
    trial_start: null,
    trial_end: null,
    created: s.created ?? now - 86_400,
    metadata: {},
    items: {
      object: "list",
      data: [
        {
          id: `si_${s.id}`,
          object: "subscription_item",
          quantity: 1,
          current_period_start: s.periodStart ?? now - 86_400,
          current_period_end: s.periodEnd ?? now + 29 * 86_400,
          price: { id: s.price ?? "price_pro_monthly", object: "price", product: s.product ?? "prod_pro" },
        },
      ],
    },
  };
}

/** The demo Basic tier's monthly price and product, to spread into a stripeSubscription input. */
export const BASIC = { price: "price_basic_monthly", product: "prod_basic" } as const;

/** Runs public.sync_customer for `cus` with these subscriptions (as subscriptions.list returns them). */
export async function syncCustomer(q: pg.PoolClient, cus: string, subs: readonly object[]): Promise<void> {
  await q.query("select public.sync_customer($1, $2)", [cus, JSON.stringify(subs)]);
}

/** The features of a product as products.listFeatures returns them. */
export function productFeatures(product: string, keys: readonly string[]) {
  return keys.map((k) => ({
    id: `prodft_${product}_${k}`,
    object: "product_feature",
    livemode: false,
    entitlement_feature: {
      id: `feat_${k}`,
      object: "entitlements.feature",
      active: true,
      livemode: false,
      lookup_key: k,
      metadata: {},
      name: k,
    },
  }));
}

/**
 * The demo tiers as the catalog sync stores them: prod_basic (library.basic) and prod_pro
 * (library.basic, library.pro, downloads), each with a monthly price, and a retired product.
 */
export async function seedCatalog(q: pg.PoolClient): Promise<void> {
  await q.query(
    `select public.upsert_product('{"id":"prod_pro","name":"Gatehouse Pro","active":true,"metadata":{"entitlement":"pro"}}', $1),
            public.upsert_price('{"id":"price_pro_monthly","metadata":{"gatehouse_catalog":"true"},"product":"prod_pro","active":true,"currency":"eur","unit_amount":1900,"type":"recurring","recurring":{"interval":"month","interval_count":1,"trial_period_days":7}}'),
            public.upsert_product('{"id":"prod_basic","name":"Gatehouse Basic","active":true,"metadata":{"entitlement":"basic"}}', $2),
            public.upsert_price('{"id":"price_basic_monthly","metadata":{"gatehouse_catalog":"true"},"product":"prod_basic","active":true,"currency":"eur","unit_amount":900,"type":"recurring","recurring":{"interval":"month","interval_count":1}}'),
            public.upsert_product('{"id":"prod_lifetime","name":"Lifetime","active":true,"metadata":{"entitlement":"pro"}}', $3),
            public.upsert_price('{"id":"price_lifetime","metadata":{"gatehouse_catalog":"true"},"product":"prod_lifetime","active":true,"currency":"eur","unit_amount":19900,"type":"one_time","recurring":null,"tax_behavior":"inclusive","currency_options":{"eur":{"unit_amount":19900,"tax_behavior":"inclusive"},"usd":{"unit_amount":21900,"tax_behavior":"exclusive","custom_unit_amount":null,"unit_amount_decimal":null}}}'),
            public.upsert_product('{"id":"prod_old","name":"Retired","active":false,"metadata":{"entitlement":"pro"}}'),
            public.upsert_price('{"id":"price_old","product":"prod_old","active":false,"currency":"eur","unit_amount":500,"type":"recurring","recurring":{"interval":"month"}}')`,
    [
      JSON.stringify(productFeatures("prod_pro", ["library.basic", "library.pro", "downloads"])),
      JSON.stringify(productFeatures("prod_basic", ["library.basic"])),
      JSON.stringify(productFeatures("prod_lifetime", ["library.basic", "library.pro", "downloads"])),
    ],
  );
}
