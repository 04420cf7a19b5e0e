// The operations commands against a throw-away sandbox (real Postgres, the Supabase and Stripe
// stand-ins), through the API's own services. Runs in Node (vitest.scripts.config.ts).
import { randomUUID } from "node:crypto";
import { setupCatalog } from "@gatehouse/billing/catalog-setup";
import {
  NO_LIMITS,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  startTestSandbox,
  type TestSandbox,
} from "@gatehouse/sandbox";
import type { DbFunctionArgs, DbFunctionName, DbFunctionResult } from "@gatehouse/types/db-functions";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Config } from "../src/env.ts";
import { callRpc } from "../src/services/call-rpc.ts";
import { backgroundServices, getServices, type Services } from "../src/services/services.ts";
import { setAdminRole } from "./admin-role.ts";
import { loadOpsConfig, OpsConfigError } from "./ops-config.ts";
import { formatEventTable, parseSince, replayEvents } from "./replay-events.ts";
import { resync } from "./resync.ts";
import { runScript } from "./run-script.ts";

let sandbox: TestSandbox;
let services: Services;
let priceId: string;

beforeAll(async () => {
  // Stripe's rate limits off: these tests are about what the scripts do, and their own checks read
  // Stripe right after stripe:setup's burst, which a quiet CI machine fits into one second (429).
  // The limits themselves are tested in the sandbox (rate-limits.test.ts) and the chaos suite.
  sandbox = await startTestSandbox({ limits: NO_LIMITS });
  const catalog = await setupCatalog({
    stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
    stripeApiUrl: sandbox.urls.stripeDirect,
    supabaseUrl: sandbox.urls.supabaseDirect,
    supabaseSecretKey: SANDBOX_SECRET_KEY,
  });
  priceId = catalog.priceIds.gatehouse_basic_monthly ?? "";
  services = backgroundServices(getServices(loadOpsConfig(sandboxEnv())));
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

function sandboxEnv(): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY,
    STRIPE_API_URL: sandbox.urls.stripe,
    SUPABASE_URL: sandbox.urls.supabase,
    SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY,
  };
}

function rpc<F extends DbFunctionName>(fn: F, args: DbFunctionArgs<F>): Promise<DbFunctionResult<F>> {
  return callRpc(services.db, fn, args);
}

/** Creates a confirmed user through the Auth admin API, as the dashboard would; returns its id. */
async function createUser(email = `ops-${randomUUID()}@example.test`): Promise<string> {
  const res = await fetch(`${sandbox.urls.supabaseDirect}/auth/v1/admin/users`, {
    method: "POST",
    headers: {
      apikey: SANDBOX_SECRET_KEY,
      authorization: `Bearer ${SANDBOX_SECRET_KEY}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ email, password: "correct horse battery", email_confirm: true }),
  });
  if (!res.ok) throw new Error(`admin create user: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** A user who paid for a subscription in Stripe, while no webhook reached Gatehouse. */
async function paidCustomer(): Promise<{ userId: string; customerId: string }> {
  const userId = await createUser();
  const customer = await services.stripe.customers.create({ metadata: { user_id: userId } });
  await rpc("bind_customer", { p_user_id: userId, p_customer_id: customer.id });
  const session = await services.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    client_reference_id: userId,
    line_items: [{ price: priceId, quantity: 1 }],
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://127.0.0.1:5173/pricing",
  });
  const paid = await fetch(`${sandbox.urls.stripeDirect}/_sandbox/checkout/sessions/${session.id}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: "4242424242424242" }),
  });
  if (!paid.ok) throw new Error(`complete checkout: ${paid.status} ${await paid.text()}`);
  return { userId, customerId: customer.id };
}

/** What the webhook leaves behind when its sync fails: a recorded event with an error. */
async function failedEvent(customerId: string | null, type = "customer.subscription.created"): Promise<string> {
  const id = `evt_ops_${randomUUID().replaceAll("-", "")}`;
  await rpc("record_stripe_event", {
    p_id: id,
    p_type: type,
    p_created: new Date().toISOString(),
    p_customer_id: customerId,
  });
  await rpc("finish_stripe_event", { p_id: id, p_error: "supabase is unavailable, try again shortly" });
  return id;
}

const entitlementOf = async (userId: string) =>
  (await services.db.from("entitlements").select("active,entitlement,status").eq("user_id", userId).maybeSingle()).data;

async function ledgerRow(id: string) {
  const { data } = await services.db
    .from("stripe_events")
    .select("processed_at,last_error,attempts")
    .eq("id", id)
    .single();
  if (!data) throw new Error(`no ledger row ${id}`);
  return data;
}

describe("stripe:setup", () => {
  test("is idempotent: a second run keeps the features, their attachment, the prices and the mirror", async () => {
    const cfg = {
      stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
      stripeApiUrl: sandbox.urls.stripeDirect,
      supabaseUrl: sandbox.urls.supabaseDirect,
      supabaseSecretKey: SANDBOX_SECRET_KEY,
    };
    const first = await setupCatalog(cfg);
    const second = await setupCatalog(cfg);
    expect(second.featureIds).toEqual(first.featureIds);
    expect(second.priceIds).toEqual(first.priceIds);
    expect(Object.keys(second.featureIds).sort()).toEqual(["downloads", "library.basic", "library.pro"]);
    const attached = async (product: string) => {
      const keys: string[] = [];
      for await (const pf of services.stripe.products.listFeatures(product, { limit: 100 }))
        keys.push(pf.entitlement_feature.lookup_key);
      return keys.sort();
    };
    expect(await attached(second.productIds.gatehouse_basic ?? "")).toEqual(["library.basic"]);
    expect(await attached(second.productIds.gatehouse_pro ?? "")).toEqual([
      "downloads",
      "library.basic",
      "library.pro",
    ]);
    expect(await attached(second.productIds.gatehouse_lifetime ?? "")).toEqual([
      "downloads",
      "library.basic",
      "library.pro",
    ]);
    const { data, error } = await services.db
      .from("product_features")
      .select("product_id,feature")
      .order("product_id")
      .order("feature");
    expect(error).toBeNull();
    expect(data).toEqual([
      { product_id: "gatehouse_basic", feature: "library.basic" },
      { product_id: "gatehouse_lifetime", feature: "downloads" },
      { product_id: "gatehouse_lifetime", feature: "library.basic" },
      { product_id: "gatehouse_lifetime", feature: "library.pro" },
      { product_id: "gatehouse_pro", feature: "downloads" },
      { product_id: "gatehouse_pro", feature: "library.basic" },
      { product_id: "gatehouse_pro", feature: "library.pro" },
    ]);
    const pro = await services.db
      .from("prices")
      .select("trial_period_days")
      .eq("id", second.priceIds.gatehouse_pro_monthly ?? "");
    expect(pro.data).toEqual([{ trial_period_days: 7 }]);
  });
});

describe("events:replay", () => {
  test("without --apply lists the failed events and changes nothing", async () => {
    const { userId, customerId } = await paidCustomer();
    const id = await failedEvent(customerId);
    const report = await replayEvents(services);
    expect(report.events.map((e) => e.id)).toContain(id);
    expect(report.replayed).toBe(0);
    expect((await ledgerRow(id)).processed_at).toBeNull();
    expect((await entitlementOf(userId))?.active ?? false).toBe(false);
    const table = formatEventTable(report.events);
    expect(table).toContain(id);
    expect(table).toContain(customerId);
    expect(table.split("\n")[0]).toMatch(/^id\s+type\s+customer\s+attempts\s+last_error/);
  });

  test("re-syncs the customer of a failed event, marks it processed, and a second run finds nothing", async () => {
    const { userId, customerId } = await paidCustomer();
    const first = await failedEvent(customerId);
    const second = await failedEvent(customerId, "invoice.paid");
    const lines: string[] = [];

    const report = await replayEvents(services, { apply: true, log: (l) => lines.push(l) });
    expect(report.failed).toBe(0);
    expect(report.replayed).toBe(report.found);
    expect(report.events.map((e) => e.id)).toEqual(expect.arrayContaining([first, second]));
    expect(await entitlementOf(userId)).toMatchObject({ active: true, entitlement: "basic", status: "active" });
    for (const id of [first, second]) expect(await ledgerRow(id)).toMatchObject({ last_error: null });
    expect((await ledgerRow(first)).processed_at).not.toBeNull();
    expect(lines.some((l) => l.startsWith(`synced ${customerId}: active`))).toBe(true);

    const again = await replayEvents(services, { apply: true });
    expect(again).toMatchObject({ found: 0, replayed: 0, failed: 0 });
    expect((await entitlementOf(userId))?.active).toBe(true);
  });

  test("when Stripe is still down, records the error and leaves the event for the next run", async () => {
    const { userId, customerId } = await paidCustomer();
    const id = await failedEvent(customerId);
    sandbox.faults.stripe.state.down = true;
    try {
      const report = await replayEvents(services, { apply: true });
      expect(report.failed).toBeGreaterThanOrEqual(1);
    } finally {
      sandbox.faults.stripe.state.down = false;
    }
    expect(await ledgerRow(id)).toMatchObject({ processed_at: null, last_error: expect.stringMatching(/^replay: /) });

    const retry = await replayEvents(services, { apply: true });
    expect(retry.failed).toBe(0);
    expect((await ledgerRow(id)).processed_at).not.toBeNull();
    expect((await entitlementOf(userId))?.active).toBe(true);
  });

  test("--since leaves out older events", async () => {
    const { customerId } = await paidCustomer();
    const id = await failedEvent(customerId);
    const future = new Date(Date.now() + 60_000);
    expect((await replayEvents(services, { since: future })).events.map((e) => e.id)).not.toContain(id);
    expect((await replayEvents(services, { since: parseSince("1h") })).events.map((e) => e.id)).toContain(id);
    await replayEvents(services, { apply: true });
  });
});

describe("resync", () => {
  test("--user re-syncs one user from Stripe, and again with the same result", async () => {
    const { userId } = await paidCustomer();
    expect((await entitlementOf(userId))?.active ?? false).toBe(false);
    const report = await resync(services, { user: userId });
    expect(report).toEqual({ checked: 1, active: 1, inactive: 0, notOurs: 0, failed: 0 });
    expect(await entitlementOf(userId)).toMatchObject({ active: true, entitlement: "basic" });
    expect(await resync(services, { user: userId })).toEqual(report);
  });

  test("--customer binds and syncs a Stripe customer Gatehouse created but never recorded", async () => {
    const userId = await createUser();
    const customer = await services.stripe.customers.create({ metadata: { user_id: userId } });
    const report = await resync(services, { customer: customer.id });
    expect(report).toMatchObject({ checked: 1, inactive: 1, failed: 0 });
    expect(await entitlementOf(userId)).toMatchObject({ active: false });
  });

  test("--user for a user without a customer syncs nothing", async () => {
    const userId = await createUser();
    const lines: string[] = [];
    expect(await resync(services, { user: userId }, { log: (l) => lines.push(l) })).toMatchObject({ checked: 0 });
    expect(lines.join("\n")).toMatch(/no Stripe customer yet/);
  });

  test("--all pages through every customer with bounded concurrency", async () => {
    const a = await paidCustomer();
    const b = await paidCustomer();
    const { count } = await services.db.from("customers").select("*", { count: "exact", head: true });
    const report = await resync(services, { all: true }, { batch: 2, concurrency: 2 });
    expect(report.checked).toBe(count);
    expect(report.failed).toBe(0);
    expect((await entitlementOf(a.userId))?.active).toBe(true);
    expect((await entitlementOf(b.userId))?.active).toBe(true);
  });

  test("refuses ids that are not a uuid or a cus_ id", async () => {
    await expect(resync(services, { user: "42" })).rejects.toThrow(/not a user id/);
    await expect(resync(services, { customer: "sub_123" })).rejects.toThrow(/not a Stripe customer id/);
  });
});

describe("the commands", () => {
  test("print one clear line and exit 1 when a variable is missing", async () => {
    for (const [script, args] of [
      ["replay-events.ts", []],
      ["resync.ts", ["--all"]],
    ] as const) {
      const run = await runScript(script, [...args], { SUPABASE_URL: "http://127.0.0.1:1" });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/STRIPE_SECRET_KEY, SUPABASE_SECRET_KEY are not set/);
    }
  });

  test("events:replay --apply and resync --all run end to end against the sandbox", async () => {
    const { customerId } = await paidCustomer();
    const id = await failedEvent(customerId);
    const replay = await runScript("replay-events.ts", ["--apply"], sandboxEnv());
    expect(replay.stderr).toBe("");
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain(id);
    expect(replay.stdout).toMatch(/Replayed \d+ of \d+ event\(s\) over \d+ customer\(s\); 0 failed/);
    const twice = await runScript("replay-events.ts", ["--apply"], sandboxEnv());
    expect(twice.stdout).toContain("No unprocessed Stripe events");
    const all = await runScript("resync.ts", ["--all"], sandboxEnv());
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/Checked \d+ customer\(s\) in .*, 0 failed\./);
  });
});

describe("configuration", () => {
  test("names every missing variable in one message", () => {
    expect(() => loadOpsConfig({})).toThrow(OpsConfigError);
    expect(() => loadOpsConfig({})).toThrow(
      "STRIPE_SECRET_KEY, SUPABASE_URL, SUPABASE_SECRET_KEY are not set: add them to .env (see .env.example) or export them",
    );
  });

  test("rejects a malformed value the way the worker does", () => {
    expect(() => loadOpsConfig({ ...sandboxEnv(), STRIPE_SECRET_KEY: "pk_test_123" })).toThrow(/sk_test_/);
  });

  test("accepts the sandbox configuration", () => {
    const config: Config = loadOpsConfig(sandboxEnv());
    expect(config.STRIPE_API_URL).toBe(sandbox.urls.stripe);
  });

  test("--since takes a duration or a date", () => {
    const now = Date.parse("2026-11-24T12:00:00Z");
    expect(parseSince("24h", now).toISOString()).toBe("2026-11-23T12:00:00.000Z");
    expect(parseSince("7d", now).toISOString()).toBe("2026-11-17T12:00:00.000Z");
    expect(parseSince("2026-11-01").toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(() => parseSince("yesterday")).toThrow(/--since/);
  });
});

describe("events:replay with a customer that is not ours", () => {
  test("marks processed an event whose customer belongs to no Gatehouse user", async () => {
    const stranger = await services.stripe.customers.create({ email: "someone-else@example.test" });
    const id = await failedEvent(stranger.id);
    const report = await replayEvents(services, { apply: true });
    expect(report.failed).toBe(0);
    expect((await ledgerRow(id)).processed_at).not.toBeNull();
  });
});

describe("admin:grant / admin:revoke", () => {
  test("sets and removes app_metadata.role through the Auth admin API, records who did it, and refuses unknown emails", async () => {
    const email = `Admin-${randomUUID()}@Example.test`;
    await createUser(email);
    const granted = await setAdminRole(services, email, "grant");
    expect(granted.changed).toBe(true);
    expect(await rpc("user_is_admin", { p_user_id: granted.userId })).toBe(true);
    const user = await services.db.auth.admin.getUserById(granted.userId);
    expect(user.data.user?.app_metadata).toMatchObject({ role: "admin", provider: "email" });
    expect((await setAdminRole(services, email, "grant")).changed).toBe(false);
    expect((await setAdminRole(services, email, "revoke")).changed).toBe(true);
    expect(await rpc("user_is_admin", { p_user_id: granted.userId })).toBe(false);
    const { data } = await services.db
      .from("admin_actions")
      .select("actor, action, target")
      .eq("target_user_id", granted.userId)
      .order("id");
    expect(data).toEqual([
      { actor: "cli:admin:grant", action: "grant_admin", target: email.toLowerCase() },
      { actor: "cli:admin:revoke", action: "revoke_admin", target: email.toLowerCase() },
    ]);
    await expect(setAdminRole(services, "nobody@example.test", "grant")).rejects.toThrow(/no user with the email/);
    await expect(setAdminRole(services, "not-an-email", "grant")).rejects.toThrow(/not an email address/);
  });
});
