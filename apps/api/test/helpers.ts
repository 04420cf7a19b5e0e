// Helpers for tests that run inside workerd against the sandbox started by global-setup.ts.
import { sandboxRequest, setFault as setFaultAt } from "@gatehouse/sandbox/control";
import type { Tables } from "@gatehouse/types";
import Stripe from "stripe";
import { inject } from "vitest";
import worker from "../src/index.ts";
import { executionContext } from "../src/testing/execution-context.ts";

export const APP_URL = "http://127.0.0.1:5173";
const PUBLISHABLE_KEY = "sb_publishable_SANDBOX-ONLY-not-a-real-key-0000";

export const urls = {
  supabase: inject("supabaseUrl"),
  stripe: inject("stripeUrl"),
};

const stripeTarget = new URL(inject("stripeUrl"));
export const stripe = new Stripe(inject("stripeSecretKey"), {
  httpClient: Stripe.createFetchHttpClient(),
  host: stripeTarget.hostname,
  port: Number(stripeTarget.port),
  protocol: "http",
  maxNetworkRetries: 0,
});

/** Calls the worker's fetch handler with the test bindings, like a request from the internet. */
export async function api(
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
  const { env } = await import("cloudflare:test");
  return worker.fetch(
    new Request(`https://api.test${path}`, { ...init, headers, ...(body !== undefined ? { body } : {}) }),
    env,
    executionContext().ctx,
  );
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

let counter = 0;
const PASSWORD = "correct horse battery";

/** A fetch init with the service role's secret key (and a JSON content type) added to its headers. */
export function asService(init: RequestInit = {}): RequestInit {
  const secret = inject("supabaseSecretKey");
  return {
    ...init,
    headers: {
      apikey: secret,
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
  };
}

/** PostgREST as the service role: `path` is below /rest/v1/. */
export function serviceRest(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${urls.supabase}/rest/v1/${path}`, asService(init));
}

/** Signs a createUser user in again with its password (e.g. for a token with new claims). */
export async function signIn(email: string): Promise<{ access_token: string; user: { id: string } }> {
  const res = await fetch(`${urls.supabase}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: PUBLISHABLE_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign in: ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; user: { id: string } };
}

/** A confirmed user made through the Supabase stand-in's admin API, signed in with a password. */
export async function createUser(): Promise<TestUser> {
  const email = `user-${Date.now()}-${counter++}-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const made = await fetch(
    `${urls.supabase}/auth/v1/admin/users`,
    asService({ method: "POST", body: JSON.stringify({ email, password: PASSWORD, email_confirm: true }) }),
  );
  if (!made.ok) throw new Error(`admin create user: ${made.status} ${await made.text()}`);
  const session = await signIn(email);
  return { id: session.user.id, email, token: session.access_token };
}

/** The service-role view of a table, through PostgREST with the secret key. */
export async function adminSelect<T>(table: string, query: string): Promise<T[]> {
  const secret = inject("supabaseSecretKey");
  const res = await fetch(`${urls.supabase}/rest/v1/${table}?${query}`, {
    headers: { apikey: secret, authorization: `Bearer ${secret}` },
  });
  if (!res.ok) throw new Error(`select ${table}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T[];
}

export async function entitlementOf(userId: string) {
  const rows = await adminSelect<{
    active: boolean;
    status: string | null;
    cancel_at: string | null;
    subscription_id: string | null;
  }>("entitlements", `user_id=eq.${userId}&select=active,status,cancel_at,subscription_id`);
  return rows[0] ?? null;
}

export async function sandbox(path: string, body?: unknown): Promise<Response> {
  return sandboxRequest(inject("stripeUrl"), path, body);
}

/** What the hosted page's Pay button does. */
export async function pay(sessionId: string, card = "4242424242424242"): Promise<Response> {
  return sandbox(`checkout/sessions/${sessionId}/complete`, { card });
}

export async function advanceClock(seconds: number): Promise<void> {
  const res = await sandbox("clock/advance", { seconds });
  if (!res.ok) throw new Error(`clock advance: ${res.status} ${await res.text()}`);
}

export async function setFault(
  service: "supabase" | "stripe",
  state: { down?: boolean; failRate?: number; status?: number },
) {
  await setFaultAt(service === "supabase" ? urls.supabase : urls.stripe, state);
}

/** Signs a payload exactly as Stripe does, with the endpoint's secret unless told otherwise. */
export async function signedWebhook(
  payload: string,
  opts: { secret?: string; timestamp?: number } = {},
): Promise<Response> {
  const header = await stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: opts.secret ?? inject("webhookSecret"),
    ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  return api("/api/stripe/webhook", {
    method: "POST",
    body: payload,
    headers: { "stripe-signature": header, "content-type": "application/json" },
  });
}

/** Every event the stand-in has emitted about a customer, oldest first. */
export async function eventsFor(customer: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) {
    const obj = e.data.object as unknown as { customer?: unknown; id?: string };
    const cus =
      typeof obj.customer === "string"
        ? obj.customer
        : e.type.startsWith("customer.") && !e.type.startsWith("customer.subscription")
          ? obj.id
          : null;
    if (cus === customer) all.push(e);
    if (all.length > 500) break;
  }
  return all.sort((a, b) => a.created - b.created);
}

/** The columns of a ledger row (public.stripe_events) the tests read. */
export type LedgerRow = Pick<Tables<"stripe_events">, "id" | "attempts" | "processed_at" | "last_error">;

/** The ledger rows of these events. */
export async function ledger(ids: readonly string[]): Promise<LedgerRow[]> {
  if (!ids.length) return [];
  return adminSelect<LedgerRow>("stripe_events", `id=in.(${ids.join(",")})&select=id,attempts,processed_at,last_error`);
}

/**
 * Polls the ledger until every one of these events satisfies `done` (by default: processed, which
 * the queue consumer does in the background); throws after timeoutMs with the rows it last saw.
 */
export async function waitForLedger(
  ids: readonly string[],
  done: (row: LedgerRow) => boolean = (r) => r.processed_at !== null,
  timeoutMs = 20_000,
): Promise<LedgerRow[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await ledger(ids);
    if (rows.length === new Set(ids).size && rows.every(done)) return rows;
    if (Date.now() > until) throw new Error(`ledger not settled after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Delivers events to the worker, signed, in the given order; returns the statuses. The webhook
 * only records and queues: this then waits until the queue consumer has processed every event
 * the webhook accepted.
 */
export async function deliver(events: Stripe.Event[]): Promise<number[]> {
  const statuses: number[] = [];
  const accepted: string[] = [];
  for (const e of events) {
    const status = (await signedWebhook(JSON.stringify(e))).status;
    statuses.push(status);
    if (status === 200) accepted.push(e.id);
  }
  await waitForLedger(accepted);
  return statuses;
}

/** POST /api/checkout for this user and price; the session it opened (throws unless 200). */
/** POST /api/checkout with this JSON body, as the holder of `token` (undefined: signed out). */
export function postCheckout(token: string | undefined, json: unknown): Promise<Response> {
  return api("/api/checkout", { method: "POST", ...(token === undefined ? {} : { token }), json });
}

export async function openCheckout(user: TestUser, priceId: string): Promise<{ id: string; url: string }> {
  const res = await postCheckout(user.token, { priceId });
  if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; url: string };
}

/** Signs a user up, checks out the given price and pays; returns the ids involved. */
export async function subscribe(priceId: string, card = "4242424242424242") {
  const user = await createUser();
  const { id } = await openCheckout(user, priceId);
  const paid = await pay(id, card);
  if (!paid.ok) throw new Error(`pay: ${paid.status} ${await paid.text()}`);
  const session = await stripe.checkout.sessions.retrieve(id);
  const customer = typeof session.customer === "string" ? session.customer : (session.customer?.id ?? "");
  const subscription =
    typeof session.subscription === "string" ? session.subscription : (session.subscription?.id ?? "");
  return { user, sessionId: id, customer, subscription };
}

export const prices = {
  monthly: () => inject("priceMonthly"),
  yearly: () => inject("priceYearly"),
  proMonthly: () => inject("priceProMonthly"),
  proYearly: () => inject("priceProYearly"),
  lifetime: () => inject("priceLifetime"),
  inactive: () => inject("priceInactive"),
  noEntitlement: () => inject("priceNoEntitlement"),
};
