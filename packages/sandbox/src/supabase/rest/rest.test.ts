import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY } from "../../keys.ts";
import { startSupabaseStandIn } from "../index.ts";
import { startTestStandIn, type TestStandIn } from "../test-stand-in.ts";

// Real Postgres, real sockets: leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: TestStandIn;
let alice: { id: string; client: SupabaseClient; token: string };
let bob: { id: string; client: SupabaseClient; token: string };

const signedIn = () => sb.signIn();

beforeAll(async () => {
  sb = await startTestStandIn();
  alice = await signedIn();
  bob = await signedIn();
  await sb.owner.query(
    `select public.upsert_product('{"id":"prod_pro","name":"Pro","active":true,"metadata":{"entitlement":"pro"}}'),
            public.upsert_product('{"id":"prod_old","name":"Retired","active":false,"metadata":{"entitlement":"pro"}}'),
            public.upsert_price('{"id":"price_pro","product":"prod_pro","active":true,"currency":"eur","unit_amount":900,"recurring":{"interval":"month"}}')`,
  );
  await sb.owner.query(
    `insert into public.customers (user_id, stripe_customer_id) values ($1, 'cus_alice'), ($2, 'cus_bob');
     insert into public.subscriptions (id, user_id, stripe_customer_id, status, created) values
       ('sub_alice', $1, 'cus_alice', 'active', now()), ('sub_bob', $2, 'cus_bob', 'canceled', now());
     insert into public.entitlements (user_id, active, entitlement, status, features) values
       ($1, true, 'pro', 'active', '{library.basic,library.pro,downloads}'), ($2, false, null, 'canceled', '{}');`
      .replaceAll(/\$1/g, `'${alice.id}'`)
      .replaceAll(/\$2/g, `'${bob.id}'`),
  );
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

function rest(path: string, init: RequestInit & { key?: string; token?: string } = {}) {
  const key = init.key ?? SANDBOX_PUBLISHABLE_KEY;
  return fetch(`${sb.url}/rest/v1${path}`, {
    ...init,
    headers: { apikey: key, Authorization: `Bearer ${init.token ?? key}`, ...init.headers },
  });
}

describe("row level security decides what each caller sees", () => {
  test("anon sees active products only", async () => {
    const { data, error } = await sb.client().from("products").select("id");
    expect(error).toBeNull();
    expect(data).toEqual([{ id: "prod_pro" }]);
  });

  test("anon sees no entitlements and no subscriptions", async () => {
    expect((await sb.client().from("entitlements").select("*")).data).toEqual([]);
    expect((await sb.client().from("subscriptions").select("*")).data).toEqual([]);
  });

  test("a user sees only their own entitlement and subscriptions", async () => {
    const ents = await alice.client.from("entitlements").select("user_id, active");
    expect(ents.data).toEqual([{ user_id: alice.id, active: true }]);
    const subs = await bob.client.from("subscriptions").select("id");
    expect(subs.data).toEqual([{ id: "sub_bob" }]);
  });

  test("premium content is readable only with an active entitlement", async () => {
    const a = await alice.client.from("premium_content").select("slug");
    expect(a.data?.length).toBeGreaterThan(0);
    const b = await bob.client.from("premium_content").select("slug");
    expect(b.data).toEqual([]);
  });

  test("a user cannot write their entitlement: insert is refused with 403, update changes nothing", async () => {
    const ins = await bob.client.from("subscriptions").insert({
      id: "sub_x",
      user_id: bob.id,
      stripe_customer_id: "cus_bob",
      status: "active",
      created: new Date().toISOString(),
    });
    expect(ins.status).toBe(403);
    expect(ins.error?.code).toBe("42501");
    const upd = await bob.client.from("entitlements").update({ active: true }).eq("user_id", bob.id).select();
    expect(upd.data).toEqual([]);
    const { rows } = await sb.owner.query("select active from public.entitlements where user_id = $1", [bob.id]);
    expect(rows[0]?.active).toBe(false);
  });

  test("anon writing a product is refused with 401", async () => {
    const { status, error } = await sb.client().from("products").insert({ id: "prod_evil", name: "Evil" });
    expect(status).toBe(401);
    expect(error?.code).toBe("42501");
  });

  test("the secret key sees every row", async () => {
    const { data } = await sb.client("secret").from("entitlements").select("user_id").order("user_id");
    expect(data?.map((r) => r.user_id).sort()).toEqual([alice.id, bob.id].sort());
    const products = await sb.client("secret").from("products").select("id").order("id");
    expect(products.data).toEqual([{ id: "prod_old" }, { id: "prod_pro" }]);
  });
});

describe("rpc", () => {
  const sub = (id: string, customer: string, status: string) => ({
    id,
    customer,
    status,
    created: Math.floor(Date.now() / 1000),
    items: {
      data: [
        { current_period_start: 1, current_period_end: 4102444800, price: { id: "price_pro", product: "prod_pro" } },
      ],
    },
  });

  test("the secret key calls sync_customer and gets the entitlement row back as an object", async () => {
    const { data, error } = await sb
      .client("secret")
      .rpc("sync_customer", { p_customer_id: "cus_bob", p_subscriptions: [sub("sub_bob", "cus_bob", "active")] });
    expect(error).toBeNull();
    expect(data).toMatchObject({ user_id: bob.id, active: true, entitlement: "pro", status: "active" });
    const seen = await bob.client.from("entitlements").select("active").single();
    expect(seen.data).toEqual({ active: true });
  });

  test("a user calling sync_customer gets 403, anon gets 401", async () => {
    const args = { p_customer_id: "cus_alice", p_subscriptions: [] };
    const asUser = await alice.client.rpc("sync_customer", args);
    expect(asUser.status).toBe(403);
    expect(asUser.error?.code).toBe("42501");
    const asAnon = await sb.client().rpc("sync_customer", args);
    expect(asAnon.status).toBe(401);
  });

  test("a scalar result comes back bare, a set as an array", async () => {
    const bound = await sb.client("secret").rpc("bind_customer", { p_user_id: alice.id, p_customer_id: "cus_other" });
    expect(bound.data).toBe("cus_alice");
    const previews = await sb.client().rpc("premium_previews");
    expect(Array.isArray(previews.data)).toBe(true);
    expect(previews.data?.[0]).toHaveProperty("slug");
    const ids = await sb.client("secret").rpc("customers_to_reconcile", { p_limit: 10 });
    expect(ids.data).toEqual(expect.arrayContaining(["cus_alice"]));
  });

  test("runs each request as PostgREST does: role, claims, method and path set in the transaction", async () => {
    await sb.owner.query(
      `create function public.whoami() returns jsonb language sql stable as $$
         select jsonb_build_object('user', current_user, 'uid', auth.uid(), 'method', current_setting('request.method', true),
                                   'path', current_setting('request.path', true),
                                   'apikey', current_setting('request.headers', true)::jsonb ->> 'apikey',
                                   'search_path', current_setting('search_path'))
       $$`,
    );
    const asAlice = await alice.client.rpc("whoami");
    expect(asAlice.data).toEqual({
      user: "authenticated",
      uid: alice.id,
      method: "POST",
      path: "/rest/v1/rpc/whoami",
      apikey: SANDBOX_PUBLISHABLE_KEY,
      search_path: "public, extensions",
    });
    expect((await sb.client().rpc("whoami")).data).toMatchObject({ user: "anon", uid: null });
    expect((await sb.client("secret").rpc("whoami")).data).toMatchObject({ user: "service_role", uid: null });
  });

  test("an unknown function is 404 PGRST202", async () => {
    const { status, error } = await sb.client().rpc("no_such_fn", { a: 1 });
    expect(status).toBe(404);
    expect(error?.code).toBe("PGRST202");
  });

  test("a raised exception (P0001) is 400; a function created after start is found", async () => {
    await sb.owner.query(
      "create function public.boom(p_msg text) returns void language plpgsql as $$ begin raise exception '%', p_msg; end $$",
    );
    const { status, error } = await sb.client().rpc("boom", { p_msg: "kaboom" });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: "P0001", message: "kaboom" });
  });

  test("an unknown Stripe customer in sync_customer keeps its SQLSTATE P0002 and hint", async () => {
    const { status, error } = await sb
      .client("secret")
      .rpc("sync_customer", { p_customer_id: "cus_nobody", p_subscriptions: [] });
    expect(status).toBe(500);
    expect(error?.code).toBe("P0002");
    expect(error?.message).toContain("unknown Stripe customer");
    expect(error?.hint).toContain("bind_customer");
  });
});

describe("query features", () => {
  test("filters eq, neq, in, is, not, order, limit and offset", async () => {
    const admin = sb.client("secret");
    expect((await admin.from("products").select("id").eq("active", false)).data).toEqual([{ id: "prod_old" }]);
    expect((await admin.from("products").select("id").neq("id", "prod_old")).data).toEqual([{ id: "prod_pro" }]);
    expect((await admin.from("products").select("id").in("id", ["prod_old", "nope"])).data).toEqual([
      { id: "prod_old" },
    ]);
    expect(
      (await admin.from("products").select("id").is("description", null).order("id", { ascending: false })).data,
    ).toEqual([{ id: "prod_pro" }, { id: "prod_old" }]);
    expect((await admin.from("products").select("id").not("id", "eq", "prod_pro")).data).toEqual([{ id: "prod_old" }]);
    expect((await admin.from("products").select("id").order("id").range(1, 1)).data).toEqual([{ id: "prod_pro" }]);
    expect(
      (await admin.from("prices").select("amount:unit_amount").gte("unit_amount", 900).lt("unit_amount", 901)).data,
    ).toEqual([{ amount: 900 }]);
  });

  test(".single() returns one object, and 406 PGRST116 with PostgREST's exact body otherwise", async () => {
    const one = await sb.client().from("products").select("id").single();
    expect(one.data).toEqual({ id: "prod_pro" });
    const res = await rest("/products?select=id&id=eq.nope", {
      headers: { Accept: "application/vnd.pgrst.object+json" },
    });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      code: "PGRST116",
      details: "The result contains 0 rows",
      hint: null,
      message: "Cannot coerce the result to a single JSON object",
    });
    const many = await sb.client("secret").from("products").select("id").single();
    expect(many.status).toBe(406);
    expect(many.error?.details).toBe("The result contains 2 rows");
  });

  test("HEAD with Prefer: count=exact gives the total in Content-Range", async () => {
    const { count, data, error } = await sb
      .client("secret")
      .from("products")
      .select("*", { count: "exact", head: true });
    expect(error).toBeNull();
    expect(count).toBe(2);
    expect(data).toBeNull();
    const res = await rest("/products?select=id&limit=1", {
      key: SANDBOX_SECRET_KEY,
      headers: { Prefer: "count=exact" },
    });
    expect(res.headers.get("content-range")).toBe("0-0/2");
  });

  test("insert, upsert, update and delete with the secret key, return=representation and minimal", async () => {
    const admin = sb.client("secret");
    const ins = await admin
      .from("products")
      .insert({ id: "prod_tmp", name: "Tmp", metadata: { a: 1 } })
      .select("id, metadata")
      .single();
    expect(ins.status).toBe(201);
    expect(ins.data).toEqual({ id: "prod_tmp", metadata: { a: 1 } });
    const dup = await admin.from("products").insert({ id: "prod_tmp", name: "Again" });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe("23505");
    const up = await admin
      .from("products")
      .upsert({ id: "prod_tmp", name: "Upserted" }, { onConflict: "id" })
      .select("name");
    expect(up.data).toEqual([{ name: "Upserted" }]);
    const minimal = await admin.from("products").update({ name: "Renamed" }).eq("id", "prod_tmp");
    expect(minimal.status).toBe(204);
    expect(minimal.data).toBeNull();
    const del = await admin.from("products").delete().eq("id", "prod_tmp").select("name");
    expect(del.data).toEqual([{ name: "Renamed" }]);
    expect((await admin.from("products").select("id").eq("id", "prod_tmp")).data).toEqual([]);
  });

  test("a foreign-key violation is 409", async () => {
    const { status, error } = await sb
      .client("secret")
      .from("prices")
      .insert({ id: "price_x", product_id: "prod_none", currency: "eur" });
    expect(status).toBe(409);
    expect(error?.code).toBe("23503");
  });
});

describe("errors in PostgREST's shape", () => {
  const cases: Array<{
    name: string;
    query: () => PromiseLike<{ status: number; error: unknown }>;
    status: number;
    error: Record<string, unknown>;
  }> = [
    {
      name: "an unknown table is 404 PGRST205",
      query: () => sb.client().from("nope").select("*"),
      status: 404,
      error: { code: "PGRST205", message: "Could not find the table 'public.nope' in the schema cache" },
    },
    {
      name: "an unknown column is 400 42703",
      query: () => sb.client().from("products").select("id, nope"),
      status: 400,
      error: { code: "42703" },
    },
    {
      name: "a payload key that is not a column is 400 PGRST204",
      query: () => sb.client("secret").from("products").insert({ id: "prod_y", name: "Y", colour: "red" }),
      status: 400,
      error: { code: "PGRST204", message: "Could not find the 'colour' column of 'products' in the schema cache" },
    },
    {
      name: "an embedded resource is refused with PGRST100",
      query: () => sb.client().from("products").select("id, prices(id)"),
      status: 400,
      error: { code: "PGRST100", details: expect.stringContaining("embedded resources") },
    },
  ];
  test.each(cases)("$name", async ({ query, status, error }) => {
    const res = await query();
    expect(res.status).toBe(status);
    expect(res.error).toMatchObject(error);
  });

  test("an unknown operator is 400 PGRST100", async () => {
    const res = await rest("/products?id=foo.1");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "PGRST100", hint: null });
  });

  test("a bad JWT is 401 PGRST301", async () => {
    const res = await rest("/products", { token: "not.a.jwt" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await res.json()).toMatchObject({ code: "PGRST301" });
    const forged = await rest("/products", { token: `${alice.token.slice(0, -4)}AAAA` });
    expect(await forged.json()).toMatchObject({ code: "PGRST301" });
  });

  test("an expired JWT is 401 PGRST303; a token from another stand-in process on the same database verifies", async () => {
    const second = await startSupabaseStandIn({ databaseUrl: sb.db.url, port: 0, accessTokenTtlSeconds: 2 });
    try {
      const res = await fetch(`${second.url}/auth/v1/admin/users`, {
        method: "POST",
        headers: {
          apikey: SANDBOX_SECRET_KEY,
          Authorization: `Bearer ${SANDBOX_SECRET_KEY}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ email: "short-lived@example.test", password: "secret-pw", email_confirm: true }),
      });
      expect(res.status).toBe(200);
      const signIn = await fetch(`${second.url}/auth/v1/token?grant_type=password`, {
        method: "POST",
        headers: { apikey: SANDBOX_PUBLISHABLE_KEY, "Content-Type": "application/json" },
        body: JSON.stringify({ email: "short-lived@example.test", password: "secret-pw" }),
      });
      const { access_token: token } = (await signIn.json()) as { access_token: string };
      expect((await rest("/products?select=id", { token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3100));
      const expired = await rest("/products?select=id", { token });
      expect(expired.status).toBe(401);
      expect(expired.headers.get("www-authenticate")).toBe(
        'Bearer error="invalid_token", error_description="JWT expired"',
      );
      expect(await expired.json()).toEqual({ code: "PGRST303", details: null, hint: null, message: "JWT expired" });
    } finally {
      await second.stop();
    }
  });

  test("a missing or unknown API key is 401", async () => {
    expect((await fetch(`${sb.url}/rest/v1/products`)).status).toBe(401);
    expect((await rest("/products", { key: "sb_publishable_wrong" })).status).toBe(401);
  });

  test("schemas other than public are refused", async () => {
    const res = await rest("/users", { headers: { "Accept-Profile": "auth" } });
    expect(res.status).toBe(406);
    expect(await res.json()).toMatchObject({ code: "PGRST106" });
  });
});
