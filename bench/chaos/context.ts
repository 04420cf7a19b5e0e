// What every chaos part needs: the running stack, a Stripe client and a Postgres pool that bypass
// the fault proxies, users made through the Supabase stand-in, signed webhooks, and the one
// comparison that matters (the user's entitlements row against Stripe's own state).

import {
  deriveEntitlement,
  type Entitlement,
  purchaseOf,
  type SubscriptionFacts,
  type SubscriptionStatus,
} from "@gatehouse/billing";
import { sandboxControl as control, setFault as setFaultAt } from "@gatehouse/sandbox/control";
import pg from "pg";
import type Stripe from "stripe";
import { ENTITLEMENT_DB_COLUMNS, type EntitlementDbRow } from "../src/expected-entitlement.ts";
import { standInStripe } from "../src/stack-context.ts";

export interface StackLike {
  urls: { api: string; web: string; supabase: string; stripe: string; postgres: string };
  /** monthly/yearly: Basic; proMonthly/proYearly: Pro (the tiers of @gatehouse/billing catalog.ts). */
  prices: { monthly: string; yearly: string; proMonthly: string; proYearly: string };
  keys: { publishable: string; secret: string; stripe: string; webhook: string };
  sandbox: {
    urls: { supabase: string; stripe: string };
    faults: {
      supabase: { url: string; state: { down: boolean; failRate: number; status: number } };
      stripe: { url: string; state: { down: boolean; failRate: number; status: number } };
    };
  };
}

export interface ChaosContext {
  stack: StackLike;
  stripe: Stripe;
  db: pg.Pool;
  smoke: boolean;
  log: (line: string) => void;
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

export function createContext(stack: StackLike, smoke: boolean, log: (line: string) => void): ChaosContext {
  const stripe = standInStripe(stack.urls.stripe, stack.keys.stripe, { maxNetworkRetries: 2, timeout: 30_000 });
  const db = new pg.Pool({ connectionString: stack.urls.postgres, max: 6 });
  db.on("error", () => undefined);
  return { stack, stripe, db, smoke, log };
}

let userCounter = 0;

async function retrying<T>(what: string, fn: () => Promise<T>, attempts = 5): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await sleep(200 * (i + 1));
    }
  }
  throw new Error(`${what}: ${last instanceof Error ? last.message : String(last)}`);
}

/** A confirmed user made with the admin API (secret key), signed in with a password. */
export async function createUser(ctx: ChaosContext, label = "chaos"): Promise<TestUser> {
  const { supabase } = ctx.stack.urls;
  const { secret, publishable } = ctx.stack.keys;
  const email = `${label}-${Date.now()}-${userCounter++}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = "correct horse battery";
  return retrying("create user", async () => {
    const made = await fetch(`${supabase}/auth/v1/admin/users`, {
      method: "POST",
      headers: { apikey: secret, authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ email, password, email_confirm: true }),
    });
    if (!made.ok && made.status !== 422) throw new Error(`admin create user: ${made.status} ${await made.text()}`);
    const signIn = await fetch(`${supabase}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { apikey: publishable, "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!signIn.ok) throw new Error(`sign in: ${signIn.status} ${await signIn.text()}`);
    const session = (await signIn.json()) as { access_token: string; user: { id: string } };
    return { id: session.user.id, email, token: session.access_token };
  });
}

/** A request to the API (wrangler dev); never throws for HTTP errors. */
export async function api(
  ctx: ChaosContext,
  path: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const { token: _t, json: _j, ...rest } = init;
  return fetch(`${ctx.stack.urls.api}${path}`, { ...rest, headers, ...(body !== undefined ? { body } : {}) });
}

/** Starts a checkout through the API, retrying answers that say "try again" (5xx). */
export async function checkout(ctx: ChaosContext, user: TestUser, priceId: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await api(ctx, "/api/checkout", { method: "POST", token: user.token, json: { priceId } });
    if (res.status === 200) return ((await res.json()) as { id: string }).id;
    const text = await res.text();
    if (res.status < 500) throw new Error(`checkout: ${res.status} ${text}`);
    await sleep(300 + attempt * 200);
  }
  throw new Error("checkout: still failing after 20 attempts");
}

/** What the hosted page's Pay button does (straight to the stand-in, never through a proxy). */
export async function pay(ctx: ChaosContext, sessionId: string, card = "4242424242424242"): Promise<Response> {
  return fetch(`${ctx.stack.urls.stripe}/_sandbox/checkout/sessions/${sessionId}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card }),
  });
}

export interface Subscribed {
  user: TestUser;
  sessionId: string;
  customer: string;
  subscription: string;
}

/** Signs a user up, checks out and pays; returns the ids involved. */
export async function subscribe(ctx: ChaosContext, priceId: string, label = "chaos"): Promise<Subscribed> {
  const user = await createUser(ctx, label);
  const sessionId = await checkout(ctx, user, priceId);
  const paid = await pay(ctx, sessionId);
  if (!paid.ok) throw new Error(`pay: ${paid.status} ${await paid.text()}`);
  const body = (await paid.json()) as { session: { customer: string | null; subscription: string | null } };
  return { user, sessionId, customer: body.session.customer ?? "", subscription: body.session.subscription ?? "" };
}

export function sandboxControl(ctx: ChaosContext, path: string, body?: unknown): Promise<unknown> {
  return control(ctx.stack.urls.stripe, path, body);
}

export function setFault(
  ctx: ChaosContext,
  service: "supabase" | "stripe",
  state: { down?: boolean; failRate?: number },
): Promise<void> {
  return setFaultAt(ctx.stack.sandbox.faults[service].url, state);
}

/**
 * After `leadMs`, the Supabase fault proxy is down for `outageMs` (the API cannot reach its
 * database); `window` records when it went down and came back.
 */
export async function supabaseOutage(
  ctx: ChaosContext,
  leadMs: number,
  outageMs: number,
  window: { from: number; to: number },
): Promise<void> {
  await sleep(leadMs);
  window.from = Date.now();
  await setFault(ctx, "supabase", { down: true });
  await sleep(outageMs);
  await setFault(ctx, "supabase", { down: false });
  window.to = Date.now();
}

/** A test-mode event's JSON body as Stripe sends it (this API version), around `object`. */
export function eventPayload(id: string, type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: null,
    type,
    data: { object },
  });
}

/** Signs a payload the way Stripe does. */
export function signatureFor(ctx: ChaosContext, payload: string, secret?: string, timestamp?: number): string {
  return ctx.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: secret ?? ctx.stack.keys.webhook,
    ...(timestamp !== undefined ? { timestamp } : {}),
  });
}

export async function postWebhook(ctx: ChaosContext, payload: string, signature: string | null): Promise<Response> {
  return fetch(`${ctx.stack.urls.api}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature !== null ? { "stripe-signature": signature } : {}) },
    body: payload,
  });
}

// ---- expected vs actual entitlement ---------------------------------------------------------

let productEntitlements: Map<string, string | null> | null = null;
const productFeatures = new Map<string, string[]>();

/** The product's features as Stripe lists them (cached: the catalog does not change during a run). */
async function featuresOfProduct(ctx: ChaosContext, productId: string): Promise<string[]> {
  const cached = productFeatures.get(productId);
  if (cached) return cached;
  const keys: string[] = [];
  for await (const pf of ctx.stripe.products.listFeatures(productId, { limit: 100 })) {
    keys.push(pf.entitlement_feature.lookup_key);
  }
  productFeatures.set(productId, keys);
  return keys;
}

/** The change a live schedule makes at the end of the current period: its next phase's price and start. */
async function scheduledChangeOf(
  ctx: ChaosContext,
  sub: Stripe.Subscription,
  periodEnd: number | null,
): Promise<{ priceId: string | null; at: number | null }> {
  const none = { priceId: null, at: null };
  if (typeof sub.schedule !== "string" || periodEnd === null) return none;
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return none;
  const schedule = await ctx.stripe.subscriptionSchedules.retrieve(sub.schedule);
  if (schedule.status !== "active" && schedule.status !== "not_started") return none;
  const next = schedule.phases
    .filter((ph) => ph.start_date >= periodEnd)
    .sort((a, b) => a.start_date - b.start_date)[0];
  const price = next?.items[0]?.price;
  if (!next || !price) return none;
  return { priceId: typeof price === "string" ? price : price.id, at: next.start_date * 1000 };
}

async function entitlementOfProduct(ctx: ChaosContext, productId: string): Promise<string | null> {
  if (!productEntitlements?.has(productId)) {
    productEntitlements = new Map();
    for await (const p of ctx.stripe.products.list({ limit: 100 })) {
      productEntitlements.set(p.id, p.metadata?.entitlement || null);
    }
  }
  return productEntitlements.get(productId) ?? null;
}

const ms = (s: number | null | undefined) => (typeof s === "number" ? s * 1000 : null);

export async function factsOf(ctx: ChaosContext, sub: Stripe.Subscription): Promise<SubscriptionFacts> {
  const item = sub.items.data[0];
  const product = item ? (typeof item.price.product === "string" ? item.price.product : item.price.product.id) : null;
  const scheduled = await scheduledChangeOf(ctx, sub, item?.current_period_end ?? null);
  return {
    id: sub.id,
    status: sub.status as SubscriptionStatus,
    entitlement: product ? await entitlementOfProduct(ctx, product) : null,
    currentPeriodStart: ms(item?.current_period_start),
    currentPeriodEnd: ms(item?.current_period_end),
    cancelAt: ms(sub.cancel_at),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    created: sub.created * 1000,
    features: product ? await featuresOfProduct(ctx, product) : [],
    trialEnd: ms(sub.trial_end),
    scheduledPriceId: scheduled.priceId,
    scheduledAt: scheduled.at,
  };
}

/**
 * The features the customer's one-time purchases grant, as Stripe has them now: every complete
 * payment-mode Checkout, its payment intent's charge and all of that charge's disputes, judged by
 * the app's own purchase rule (purchaseOf: paid, not refunded in full, no lost dispute).
 */
export async function purchasedFeatures(ctx: ChaosContext, customer: string): Promise<string[] | null> {
  const features = new Set<string>();
  let paid = false;
  for await (const session of ctx.stripe.checkout.sessions.list({
    customer,
    status: "complete",
    limit: 100,
    expand: ["data.line_items"],
  })) {
    if (session.mode !== "payment") continue;
    const intentId = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
    if (!intentId) continue;
    const intent = await ctx.stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] });
    const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
    const disputes: Stripe.Dispute[] = [];
    if (charge) for await (const d of ctx.stripe.disputes.list({ charge: charge.id, limit: 100 })) disputes.push(d);
    const price = session.line_items?.data[0]?.price ?? null;
    const facts = purchaseOf(session, intent, charge, disputes, price);
    if (facts?.status !== "paid") continue;
    paid = true;
    if (facts.productId) for (const f of await featuresOfProduct(ctx, facts.productId)) features.add(f);
  }
  return paid ? [...features] : null;
}

/** What Stripe's current state says the customer's entitlement is: subscriptions and purchases. */
export async function expectedEntitlement(
  ctx: ChaosContext,
  customer: string,
): Promise<Entitlement & { source: "subscription" | "purchase" | null }> {
  const subs: SubscriptionFacts[] = [];
  for await (const s of ctx.stripe.subscriptions.list({ customer, status: "all", limit: 100 })) {
    subs.push(await factsOf(ctx, s));
  }
  const fromSubs = deriveEntitlement(subs, { pastDueGraceMs: 0, now: Date.now() });
  // A paid purchase grants its product's features for good, beside whatever subscriptions grant
  // (the status, dates and scheduled change still come from the best subscription).
  const bought = await purchasedFeatures(ctx, customer);
  if (bought === null) return { ...fromSubs, source: fromSubs.active ? "subscription" : null };
  const features = new Set([...(fromSubs.active ? fromSubs.features : []), ...bought]);
  return { ...fromSubs, active: true, features: [...features].sort(), source: "purchase" };
}

export async function entitlementRow(ctx: ChaosContext, userId: string): Promise<EntitlementDbRow | null> {
  const { rows } = await ctx.db.query<EntitlementDbRow>(
    `select ${ENTITLEMENT_DB_COLUMNS.join(", ")} from public.entitlements where user_id = $1`,
    [userId],
  );
  return rows[0] ?? null;
}

const sec = (v: Date | number | null) => (v === null ? null : Math.round((v instanceof Date ? v.getTime() : v) / 1000));

/** null when the row matches Stripe's state; otherwise what differs. */
export async function entitlementDiff(ctx: ChaosContext, userId: string, customer: string): Promise<string | null> {
  const [want, row] = await Promise.all([expectedEntitlement(ctx, customer), entitlementRow(ctx, userId)]);
  const have = row ?? {
    active: false,
    entitlement: null,
    status: null,
    subscription_id: null,
    cancel_at: null,
    current_period_end: null,
    features: [],
    trial_end: null,
    scheduled_price_id: null,
    scheduled_at: null,
    source: null,
  };
  const diffs: string[] = [];
  if (have.active !== want.active) diffs.push(`active ${have.active} ≠ ${want.active}`);
  if (have.source !== want.source) diffs.push(`source ${have.source} ≠ ${want.source}`);
  // The features the user may read with (has_feature): the union over granting subscriptions.
  const haveFeatures = have.active ? [...have.features].sort().join(",") : "";
  const wantFeatures = want.active ? want.features.join(",") : "";
  if (haveFeatures !== wantFeatures) diffs.push(`features [${haveFeatures}] ≠ [${wantFeatures}]`);
  if (want.subscriptionId !== null) {
    if (have.status !== want.status) diffs.push(`status ${have.status} ≠ ${want.status}`);
    if (have.subscription_id !== want.subscriptionId)
      diffs.push(`subscription ${have.subscription_id} ≠ ${want.subscriptionId}`);
    if (sec(have.cancel_at) !== sec(want.cancelAt))
      diffs.push(`cancel_at ${sec(have.cancel_at)} ≠ ${sec(want.cancelAt)}`);
    if (sec(have.current_period_end) !== sec(want.currentPeriodEnd))
      diffs.push(`current_period_end ${sec(have.current_period_end)} ≠ ${sec(want.currentPeriodEnd)}`);
    if (sec(have.trial_end) !== sec(want.trialEnd))
      diffs.push(`trial_end ${sec(have.trial_end)} ≠ ${sec(want.trialEnd)}`);
    // The scheduled change: which price, and when it applies.
    if (have.scheduled_price_id !== want.scheduledPriceId)
      diffs.push(`scheduled ${have.scheduled_price_id} ≠ ${want.scheduledPriceId}`);
    if (sec(have.scheduled_at) !== sec(want.scheduledAt))
      diffs.push(`scheduled_at ${sec(have.scheduled_at)} ≠ ${sec(want.scheduledAt)}`);
  }
  return diffs.length ? diffs.join("; ") : null;
}

/** Users whose entitlement differs from Stripe's state, checked with bounded concurrency. */
export async function wrongUsers(ctx: ChaosContext, users: readonly { userId: string; customer: string }[]) {
  const wrong: Array<{ userId: string; customer: string; diff: string }> = [];
  await pool(users, 6, async (u) => {
    const diff = await entitlementDiff(ctx, u.userId, u.customer);
    if (diff) wrong.push({ ...u, diff });
  });
  return wrong;
}

// ---- small tools ----------------------------------------------------------------------------

export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));

/** Runs fn over items with at most `limit` at once. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[idx] ?? 0) * 100) / 100;
}

/** A seeded PRNG (mulberry32) so a failing schedule can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** The webhook endpoint the stand-in delivers to (the API's). */
export async function webhookEndpointId(ctx: ChaosContext): Promise<string> {
  const list = await ctx.stripe.webhookEndpoints.list({ limit: 10 });
  const ep = list.data.find((e) => e.url.startsWith(ctx.stack.urls.api));
  if (!ep) throw new Error("no webhook endpoint points at the API");
  return ep.id;
}

export async function setEndpointEnabled(ctx: ChaosContext, enabled: boolean): Promise<void> {
  await ctx.stripe.webhookEndpoints.update(await webhookEndpointId(ctx), { disabled: !enabled });
}

/** Waits until the stand-in has nothing left to deliver. */
export async function deliveriesIdle(ctx: ChaosContext, timeoutMs: number): Promise<boolean> {
  const res = (await sandboxControl(ctx, "deliveries/wait", { timeoutMs })) as { idle: boolean };
  return res.idle;
}
