// Part 4: access attacks through the real interfaces: the Supabase stand-in's REST (raw HTTP and
// supabase-js), Realtime (raw WebSocket), Auth admin, and the API. Each attack is named; one that
// works is a success for the attacker, and the figure of successes must be 0.
import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { Database } from "@gatehouse/types";
import { createClient } from "@supabase/supabase-js";
import { type ChaosContext, createUser, sleep, subscribe, type TestUser } from "./context.ts";
import { figure, type PartResult, partResult } from "./figures.ts";
import { pkceAttacks } from "./pkce-attacks.ts";
import { storageAttacks } from "./storage-attacks.ts";
import { tokenAttacks } from "./token-attacks.ts";

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, signer: (data: string) => string) {
  const data = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${data}.${signer(data)}`;
}

const es256 = (key: KeyObject) => (data: string) =>
  sign("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
const hs256 = (secret: string) => (data: string) => createHmac("sha256", secret).update(data).digest("base64url");

interface Outcome {
  name: string;
  success: boolean;
  detail: string;
}

/** A realtime subscriber on a raw WebSocket (vsn 2.0.0); collects postgres_changes frames. */
async function listen(
  ctx: ChaosContext,
  token: string,
  bindings: Array<Record<string, unknown>>,
): Promise<{ joined: boolean; reply: string; changes: unknown[]; close(): void }> {
  const url = `${ctx.stack.urls.supabase.replace(/^http/, "ws")}/realtime/v1/websocket?apikey=${encodeURIComponent(ctx.stack.keys.publishable)}&vsn=2.0.0`;
  const ws = new WebSocket(url);
  const changes: unknown[] = [];
  let reply = "";
  let joined = false;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("realtime: no connection")), 10_000);
    ws.addEventListener("open", () => {
      clearTimeout(t);
      resolve();
    });
    ws.addEventListener("error", () => {
      clearTimeout(t);
      reject(new Error("realtime: socket error"));
    });
  });
  const gotReply = new Promise<void>((resolve) => {
    ws.addEventListener("message", (ev) => {
      const frame = JSON.parse(String(ev.data)) as [
        string | null,
        string | null,
        string,
        string,
        Record<string, unknown>,
      ];
      const [, ref, , event, payload] = frame;
      if (event === "phx_reply" && ref === "1") {
        reply = JSON.stringify(payload).slice(0, 200);
        joined = payload.status === "ok";
        resolve();
      }
      if (event === "postgres_changes") changes.push(payload);
    });
    setTimeout(resolve, 5_000);
  });
  ws.send(
    JSON.stringify([
      "1",
      "1",
      `realtime:chaos-${Math.random().toString(36).slice(2)}`,
      "phx_join",
      {
        config: {
          broadcast: { ack: false, self: false },
          presence: { key: "", enabled: false },
          postgres_changes: bindings,
          private: false,
        },
        access_token: token,
      },
    ]),
  );
  await gotReply;
  return { joined, reply, changes, close: () => ws.close() };
}

export async function runAccessAttacks(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const { supabase } = ctx.stack.urls;
  const { publishable, secret } = ctx.stack.keys;
  const rest = `${supabase}/rest/v1`;
  const outcomes: Outcome[] = [];
  const notes: string[] = [];

  // B pays and is entitled; A is a signed-in user who never paid.
  const b = await subscribe(ctx, ctx.stack.prices.monthly, "victim");
  const a: TestUser = await createUser(ctx, "attacker");
  for (let i = 0; i < 100; i++) {
    const { rows } = await ctx.db.query("select active from public.entitlements where user_id = $1", [b.user.id]);
    if (rows[0]?.active) break;
    await sleep(200);
  }

  const as = (token: string | null, apikey = publishable) => ({
    apikey,
    authorization: `Bearer ${token ?? apikey}`,
    "content-type": "application/json",
  });
  /** A REST call; the attack succeeds when `works` says so from the status and parsed body. */
  const attempt = async (
    name: string,
    path: string,
    init: RequestInit,
    works: (status: number, body: unknown) => boolean | Promise<boolean>,
  ) => {
    let status = 0;
    let body: unknown = null;
    try {
      const res = await fetch(`${rest}${path}`, init);
      status = res.status;
      const text = await res.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } catch (e) {
      outcomes.push({ name, success: false, detail: `request failed: ${String(e)}` });
      return;
    }
    const success = await works(status, body);
    outcomes.push({ name, success, detail: `${status} ${JSON.stringify(body).slice(0, 140)}` });
  };
  const rowsReturned = (status: number, body: unknown) => status < 300 && Array.isArray(body) && body.length > 0;
  const ok2xx = (status: number) => status >= 200 && status < 300;
  const entitlementOf = async (userId: string) =>
    (await ctx.db.query("select * from public.entitlements where user_id = $1", [userId])).rows[0] as
      | Record<string, unknown>
      | undefined;
  const bBefore = JSON.stringify(await entitlementOf(b.user.id));
  const bUnchanged = async () => JSON.stringify(await entitlementOf(b.user.id)) !== bBefore;

  // ---- cross-user reads -------------------------------------------------------------------
  for (const table of ["subscriptions", "entitlements", "customers"]) {
    await attempt(
      `A reads B's ${table}`,
      `/${table}?user_id=eq.${b.user.id}&select=*`,
      { headers: as(a.token) },
      rowsReturned,
    );
    await attempt(
      `A reads all ${table} (no filter)`,
      `/${table}?select=*`,
      { headers: as(a.token) },
      (s, body) => rowsReturned(s, body) && (body as Array<{ user_id?: string }>).some((r) => r.user_id !== a.id),
    );
  }
  await attempt(
    "A (unpaid) reads premium_content",
    "/premium_content?select=*",
    { headers: as(a.token) },
    rowsReturned,
  );
  await attempt("anon reads premium_content", "/premium_content?select=*", { headers: as(null) }, rowsReturned);
  await attempt(
    "A reads premium bodies through premium_previews",
    "/rpc/premium_previews",
    { method: "POST", headers: as(a.token), body: "{}" },
    (s, body) => ok2xx(s) && Array.isArray(body) && body.some((r) => r && typeof r === "object" && "body" in r),
  );
  for (const table of ["customers", "stripe_events", "billing_settings", "subscriptions", "entitlements"]) {
    await attempt(`anon reads ${table}`, `/${table}?select=*`, { headers: as(null) }, rowsReturned);
    const head = await fetch(`${rest}/${table}?select=*`, {
      method: "HEAD",
      headers: { ...as(null), prefer: "count=exact" },
    });
    const total = Number((head.headers.get("content-range") ?? "").split("/")[1] ?? "0");
    outcomes.push({
      name: `anon counts ${table}`,
      success: total > 0,
      detail: `${head.status} ${head.headers.get("content-range")}`,
    });
  }
  {
    const client = createClient<Database>(supabase, publishable, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { authorization: `Bearer ${a.token}` } },
    });
    const subs = await client.from("subscriptions").select("*").eq("user_id", b.user.id);
    outcomes.push({
      name: "A reads B's subscriptions (supabase-js)",
      success: (subs.data ?? []).length > 0,
      detail: `${subs.status}`,
    });
    const ent = await client.from("entitlements").select("*");
    outcomes.push({
      name: "A reads entitlements (supabase-js)",
      success: (ent.data ?? []).some((r: { user_id?: string }) => r.user_id !== a.id),
      detail: `${ent.status}`,
    });
    const prem = await client.from("premium_content").select("body");
    outcomes.push({
      name: "A reads premium bodies (supabase-js)",
      success: (prem.data ?? []).length > 0,
      detail: `${prem.status}`,
    });
  }

  // ---- writes to rows the service role owns ----------------------------------------------
  const grant = { user_id: a.id, active: true, entitlement: "pro", status: "active" };
  await attempt(
    "A inserts own entitlement",
    "/entitlements",
    { method: "POST", headers: as(a.token), body: JSON.stringify(grant) },
    async (s) => ok2xx(s) || (await entitlementOf(a.id))?.active === true,
  );
  await attempt(
    "A upserts own entitlement",
    "/entitlements?on_conflict=user_id",
    {
      method: "POST",
      headers: { ...as(a.token), prefer: "resolution=merge-duplicates,return=representation" },
      body: JSON.stringify(grant),
    },
    async (s) => ok2xx(s) || (await entitlementOf(a.id))?.active === true,
  );
  await attempt(
    "B extends own entitlement",
    `/entitlements?user_id=eq.${b.user.id}`,
    {
      method: "PATCH",
      headers: { ...as(b.user.token), prefer: "return=representation" },
      body: JSON.stringify({ current_period_end: "2099-01-01T00:00:00Z", cancel_at: null }),
    },
    async (s, body) => (ok2xx(s) && Array.isArray(body) && body.length > 0) || (await bUnchanged()),
  );
  await attempt(
    "A updates B's entitlement",
    `/entitlements?user_id=eq.${b.user.id}`,
    {
      method: "PATCH",
      headers: { ...as(a.token), prefer: "return=representation" },
      body: JSON.stringify({ active: false }),
    },
    async (s, body) => (ok2xx(s) && Array.isArray(body) && body.length > 0) || (await bUnchanged()),
  );
  await attempt(
    "A deletes B's entitlement",
    `/entitlements?user_id=eq.${b.user.id}`,
    { method: "DELETE", headers: { ...as(a.token), prefer: "return=representation" } },
    async () => bUnchanged(),
  );
  await attempt(
    "A inserts own subscription",
    "/subscriptions",
    {
      method: "POST",
      headers: as(a.token),
      body: JSON.stringify({
        id: "sub_forged_a",
        user_id: a.id,
        stripe_customer_id: "cus_forged",
        status: "active",
        price_id: ctx.stack.prices.monthly,
      }),
    },
    async (s) =>
      ok2xx(s) || (await ctx.db.query("select 1 from public.subscriptions where id = 'sub_forged_a'")).rowCount !== 0,
  );
  await attempt(
    "B updates own subscription",
    `/subscriptions?user_id=eq.${b.user.id}`,
    {
      method: "PATCH",
      headers: { ...as(b.user.token), prefer: "return=representation" },
      body: JSON.stringify({
        status: "active",
        cancel_at_period_end: false,
        current_period_end: "2099-01-01T00:00:00Z",
      }),
    },
    (s, body) => ok2xx(s) && Array.isArray(body) && body.length > 0,
  );
  await attempt(
    "A binds B's Stripe customer to itself",
    "/customers",
    { method: "POST", headers: as(a.token), body: JSON.stringify({ user_id: a.id, stripe_customer_id: b.customer }) },
    async (s) =>
      ok2xx(s) || (await ctx.db.query("select 1 from public.customers where user_id = $1", [a.id])).rowCount !== 0,
  );
  await attempt(
    "anon inserts premium_content",
    "/premium_content",
    { method: "POST", headers: as(null), body: JSON.stringify({ slug: "x", title: "x", body: "x" }) },
    (s) => ok2xx(s),
  );
  const grace = async () =>
    JSON.stringify((await ctx.db.query("select past_due_grace from public.billing_settings")).rows);
  const graceBefore = await grace();
  await attempt(
    "A edits billing_settings",
    "/billing_settings?id=eq.true",
    {
      method: "PATCH",
      headers: { ...as(a.token), prefer: "return=representation" },
      body: JSON.stringify({ past_due_grace: "3650 days" }),
    },
    async () => (await grace()) !== graceBefore,
  );

  // ---- the writing SQL functions -------------------------------------------------------------
  const fakeSub = {
    id: "sub_forged_rpc",
    object: "subscription",
    customer: b.customer,
    status: "active",
    cancel_at_period_end: false,
    cancel_at: null,
    created: Math.floor(Date.now() / 1000),
    metadata: { user_id: a.id },
    items: {
      data: [
        {
          price: { id: ctx.stack.prices.monthly, product: "prod_x" },
          current_period_start: 0,
          current_period_end: 4102444800,
        },
      ],
    },
  };
  const rpcs: Array<[string, Record<string, unknown>]> = [
    [
      "record_stripe_event",
      { p_id: "evt_forged", p_type: "customer.subscription.updated", p_created: new Date().toISOString() },
    ],
    ["finish_stripe_event", { p_id: "evt_forged" }],
    ["upsert_product", { p_product: { id: "prod_forged", active: true, name: "x", metadata: { entitlement: "pro" } } }],
    [
      "upsert_price",
      {
        p_price: {
          id: "price_forged",
          product: "prod_forged",
          active: true,
          currency: "usd",
          unit_amount: 0,
          recurring: { interval: "month" },
        },
      },
    ],
    ["bind_customer", { p_user_id: a.id, p_customer_id: b.customer }],
    ["checkout_context", { p_user_id: b.user.id, p_price_id: ctx.stack.prices.monthly }],
    [
      "sync_customer",
      {
        p_customer_id: b.customer,
        p_subscriptions: [fakeSub],
        p_snapshot_at: new Date(Date.now() + 3_600_000).toISOString(),
        p_event_id: null,
      },
    ],
    ["customers_to_reconcile", { p_limit: 1000 }],
  ];
  for (const [fn, args] of rpcs) {
    for (const [who, token] of [
      ["anon", null],
      ["A", a.token],
    ] as const) {
      await attempt(
        `${who} calls rpc ${fn}`,
        `/rpc/${fn}`,
        { method: "POST", headers: as(token), body: JSON.stringify(args) },
        (s) => ok2xx(s),
      );
    }
  }
  // Functions in the private billing schema, through the profile header.
  await attempt(
    "A calls billing.grants_access via Content-Profile",
    "/rpc/grants_access",
    {
      method: "POST",
      headers: { ...as(a.token), "content-profile": "billing" },
      body: JSON.stringify({ p_status: "active" }),
    },
    (s) => ok2xx(s),
  );

  // ---- forged and expired tokens --------------------------------------------------------------
  const claimsB = decodePayload(b.user.token);
  const now = Math.floor(Date.now() / 1000);
  const keyRow = (
    await ctx.db.query<{ kid: string; private_jwk: Record<string, unknown> }>(
      "select kid, private_jwk from auth.standin_signing_keys limit 1",
    )
  ).rows[0];
  const realKey = keyRow ? createPrivateKey({ key: keyRow.private_jwk as never, format: "jwk" }) : null;
  const kid = keyRow?.kid ?? "unknown";
  const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const forged: Array<[string, string]> = [
    [
      "alg none (sub = B)",
      `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify({ ...claimsB, exp: now + 3600 }))}.`,
    ],
    [
      "re-signed with another key (sub = B)",
      jwt({ alg: "ES256", kid, typ: "JWT" }, { ...claimsB, exp: now + 3600 }, es256(otherKey)),
    ],
    [
      "re-signed with another key, role service_role",
      jwt({ alg: "ES256", kid, typ: "JWT" }, { ...claimsB, role: "service_role", exp: now + 3600 }, es256(otherKey)),
    ],
    [
      "HS256 with the publishable key as secret",
      jwt({ alg: "HS256", typ: "JWT" }, { ...claimsB, role: "service_role", exp: now + 3600 }, hs256(publishable)),
    ],
    [
      "HS256 with the public JWK as secret",
      jwt(
        { alg: "HS256", kid, typ: "JWT" },
        { ...claimsB, exp: now + 3600 },
        hs256(JSON.stringify(keyRow?.private_jwk ?? {})),
      ),
    ],
    [
      "payload swapped (B's signature, sub = A→B)",
      `${b.user.token.split(".")[0]}.${b64url(JSON.stringify({ ...decodePayload(a.token), sub: b.user.id }))}.${b.user.token.split(".")[2]}`,
    ],
    ["garbage token", "not.a.jwt"],
  ];
  if (realKey) {
    forged.push([
      "expired (real key, sub = B)",
      jwt({ alg: "ES256", kid, typ: "JWT" }, { ...claimsB, iat: now - 7200, exp: now - 3600 }, es256(realKey)),
    ]);
  } else notes.push("could not read the stand-in's signing key: expired-token attack skipped");
  for (const [label, token] of forged) {
    await attempt(`REST with ${label}`, `/entitlements?select=*`, { headers: as(token) }, rowsReturned);
    await attempt(`REST with ${label}: customers`, `/customers?select=*`, { headers: as(token) }, rowsReturned);
    const me = await fetch(`${ctx.stack.urls.api}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const meText = await me.text();
    outcomes.push({
      name: `API /api/me with ${label}`,
      success: me.status === 200,
      detail: `${me.status} ${meText.slice(0, 100)}`,
    });
    const sync = await fetch(`${ctx.stack.urls.api}/api/billing/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    await sync.arrayBuffer();
    outcomes.push({
      name: `API /api/billing/sync with ${label}`,
      success: sync.status === 200,
      detail: `${sync.status}`,
    });
    const rt = await listen(ctx, token, [{ event: "*", schema: "public", table: "entitlements" }]);
    rt.close();
    outcomes.push({ name: `Realtime join with ${label}`, success: rt.joined, detail: rt.reply });
  }

  // ---- keys ------------------------------------------------------------------------------------
  {
    const res = await fetch(`${supabase}/auth/v1/admin/users`, { headers: as(null) });
    const text = await res.text();
    outcomes.push({
      name: "publishable key lists users (auth admin)",
      success: res.ok,
      detail: `${res.status} ${text.slice(0, 100)}`,
    });
    const made = await fetch(`${supabase}/auth/v1/admin/users`, {
      method: "POST",
      headers: as(null),
      body: JSON.stringify({
        email: `forged-${Date.now()}@example.test`,
        password: "x-forged-password",
        email_confirm: true,
      }),
    });
    await made.arrayBuffer();
    outcomes.push({ name: "publishable key creates a user (auth admin)", success: made.ok, detail: `${made.status}` });
    await attempt(
      "publishable key as Bearer reads customers",
      "/customers?select=*",
      { headers: as(publishable) },
      rowsReturned,
    );
    await attempt(
      "user token as apikey reads customers",
      "/customers?select=*",
      { headers: { apikey: a.token, authorization: `Bearer ${a.token}` } },
      rowsReturned,
    );
    await attempt(
      "guessed secret key reads customers",
      "/customers?select=*",
      { headers: as(null, "sb_secret_guess") },
      rowsReturned,
    );
    await attempt(
      "publishable key calls sync_customer",
      "/rpc/sync_customer",
      { method: "POST", headers: as(null), body: JSON.stringify(rpcs[6]?.[1] ?? {}) },
      (s) => ok2xx(s),
    );
    // The legitimate uses, as controls: B reads its own entitlement, the secret key reads customers.
    const own = await fetch(`${rest}/entitlements?user_id=eq.${b.user.id}&select=active`, {
      headers: as(b.user.token),
    });
    const ownRows = own.ok ? ((await own.json()) as unknown[]) : [];
    if (ownRows.length !== 1) notes.push(`control failed: B could not read its own entitlement (${own.status})`);
    const legit = await fetch(`${rest}/customers?select=user_id&limit=1`, { headers: as(secret, secret) });
    if (!legit.ok) notes.push(`control failed: the secret key could not read customers (${legit.status})`);
  }

  // ---- Storage: the downloads bucket -----------------------------------------------------------
  outcomes.push(...(await storageAttacks(ctx, a, notes)));

  // ---- Auth: the magic-link PKCE flow ----------------------------------------------------------
  outcomes.push(...(await pkceAttacks(ctx, notes)));

  // ---- API: access tokens with the wrong claims, a deleted user's token ------------------------
  outcomes.push(...(await tokenAttacks(ctx, notes)));

  // ---- realtime: someone else's rows -----------------------------------------------------------
  {
    const spyFiltered = await listen(ctx, a.token, [
      { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${b.user.id}` },
    ]);
    const spyAll = await listen(ctx, a.token, [{ event: "*", schema: "public", table: "entitlements" }]);
    const spySubs = await listen(ctx, a.token, [{ event: "*", schema: "public", table: "subscriptions" }]);
    const spyAny = await listen(ctx, a.token, [{ event: "*", schema: "public" }]);
    const spyAnon = await listen(ctx, publishable, [{ event: "*", schema: "public", table: "entitlements" }]);
    const control = await listen(ctx, b.user.token, [
      { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${b.user.id}` },
    ]);
    await sleep(300);
    await ctx.db.query("update public.entitlements set updated_at = now() where user_id = $1", [b.user.id]);
    await ctx.db.query("update public.subscriptions set updated_at = now() where user_id = $1", [b.user.id]);
    await sleep(2_000);
    for (const [label, spy] of [
      ["A subscribes to B's entitlement (filter user_id=eq.B)", spyFiltered],
      ["A subscribes to all entitlements (no filter)", spyAll],
      ["A subscribes to all subscriptions (no filter)", spySubs],
      ["A subscribes to every table", spyAny],
      ["anon subscribes to all entitlements", spyAnon],
    ] as const) {
      outcomes.push({
        name: `Realtime: ${label}`,
        success: spy.changes.length > 0,
        detail: `joined=${spy.joined} changes=${spy.changes.length}`,
      });
      spy.close();
    }
    if (control.changes.length === 0)
      notes.push("control failed: B did not receive its own entitlement change over Realtime");
    control.close();
  }

  const successes = outcomes.filter((o) => o.success);
  for (const o of successes) notes.push(`ATTACK WORKED: ${o.name} → ${o.detail}`);
  notes.push(`attacks tried: ${outcomes.map((o) => o.name).join(" | ")}`);
  return partResult("access-attacks", started, notes, [
    figure("access_attempts", outcomes.length, "attacks"),
    figure("access_successes", successes.length, "attacks", {
      mustBeZero: true,
      ...(successes.length ? { detail: successes.map((s) => s.name).join("; ") } : {}),
    }),
    figure("access_controls_failed", notes.filter((n) => n.startsWith("control failed")).length, "checks", {
      mustBeZero: true,
    }),
  ]);
}
