import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { isPaymentEvent } from "@gatehouse/billing";
import type { Database } from "@gatehouse/types";
import type Stripe from "stripe";
import { describe, expect, inject, test } from "vitest";
import { parseEnv } from "../src/env.ts";
import worker from "../src/index.ts";
import { consumeSyncBatch, retryDelaySeconds } from "../src/services/consume-sync-batch.ts";
import { backgroundServices, createStripe, getServices, type Services } from "../src/services/services.ts";
import type { SyncMessage } from "../src/services/sync-queue.ts";
import {
  adminSelect,
  api,
  createUser,
  entitlementOf,
  eventsFor,
  ledger,
  pay,
  prices,
  setFault,
  signedWebhook,
  stripe,
  subscribe,
  waitForLedger,
} from "./helpers.ts";

/** The consumer's services, with every Stripe request it makes counted by path (the real SDK, the real stand-in). */
function countedServices(): { services: Services; calls: string[] } {
  const calls: string[] = [];
  const base = backgroundServices(getServices(parseEnv(env)));
  const counting: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? "GET"} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`);
    return fetch(input, init);
  };
  return { services: { ...base, stripe: createStripe(base.config, counting) }, calls };
}

/** The message the webhook sends for a customer's event. */
const messageOf = (customerId: string, e: Stripe.Event): SyncMessage => ({
  kind: "customer",
  customerId,
  eventId: e.id,
  payment: isPaymentEvent(e.type, e.data.object),
});

let n = 0;
function batchOf(bodies: unknown[]): MessageBatch<unknown> {
  return createMessageBatch(
    "gatehouse-sync",
    bodies.map((body) => ({ id: `msg-${n++}`, timestamp: new Date(), attempts: 1, body })),
  );
}

/** Records events in the ledger as the webhook does, without queueing them (the test hands the batch over). */
async function record(events: Stripe.Event[], customerId: string): Promise<void> {
  const s = getServices(parseEnv(env));
  for (const e of events) {
    const { error } = await s.db.rpc("record_stripe_event", {
      p_id: e.id,
      p_type: e.type,
      p_created: new Date(e.created * 1000).toISOString(),
      p_customer_id: customerId,
    });
    if (error) throw new Error(error.message);
  }
}

describe("retryDelaySeconds", () => {
  test.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [6, 160],
    [7, 300],
    [50, 300],
    [0, 5],
  ])("after %i tries waits %i s", (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });
});

describe("queue consumer", () => {
  test("syncs each customer once per batch, whatever its number of events, and marks them all processed", async () => {
    const a = await subscribe(prices.monthly());
    const b = await subscribe(prices.monthly());
    const eventsA = (await eventsFor(a.customer)).filter((e) => e.type !== "customer.created");
    const eventsB = (await eventsFor(b.customer)).slice(0, 1);
    expect(eventsA.length).toBeGreaterThan(2);
    await record(eventsA, a.customer);
    await record(eventsB, b.customer);
    const bodies: SyncMessage[] = [
      ...eventsA.map((e) => messageOf(a.customer, e)),
      ...eventsB.map((e) => messageOf(b.customer, e)),
    ];
    const batch = batchOf(bodies);
    const { services, calls } = countedServices();
    const report = await consumeSyncBatch(services, batch);
    expect(report).toMatchObject({ messages: bodies.length, customers: 2, acked: bodies.length, retried: 0 });
    expect(calls.filter((c) => c === "GET /v1/subscriptions")).toHaveLength(2);
    // Subscribers with no purchase and no payment event: their purchases are not re-read.
    expect(calls.filter((c) => c === "GET /v1/checkout/sessions")).toEqual([]);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    const rows = await ledger([...eventsA, ...eventsB].map((e) => e.id));
    expect(rows.every((r) => r.processed_at !== null && r.last_error === null)).toBe(true);
    expect((await entitlementOf(a.user.id))?.active).toBe(true);
    expect((await entitlementOf(b.user.id))?.active).toBe(true);
  });

  test("a sync also answers the customer's earlier events; their messages are then acknowledged without Stripe", async () => {
    const { customer } = await subscribe(prices.monthly());
    const [first, second] = (await eventsFor(customer)).filter((e) => e.type !== "customer.created");
    if (!first || !second) throw new Error("expected two events");
    await record([first, second], customer);
    // Received a while ago, before the sync below reads Stripe.
    const secret = inject("supabaseSecretKey");
    const aged = await fetch(`${inject("supabaseUrl")}/rest/v1/stripe_events?id=in.(${first.id},${second.id})`, {
      method: "PATCH",
      headers: { apikey: secret, authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ received_at: new Date(Date.now() - 60_000).toISOString() }),
    });
    expect(aged.ok).toBe(true);
    const one = countedServices();
    await consumeSyncBatch(one.services, batchOf([{ kind: "customer", customerId: customer, eventId: second.id }]));
    expect(one.calls.filter((c) => c === "GET /v1/subscriptions")).toHaveLength(1);
    expect((await ledger([first.id]))[0]?.processed_at).not.toBeNull();
    // first's own message arrives later (another batch): covered, no Stripe call.
    const two = countedServices();
    const later = batchOf([{ kind: "customer", customerId: customer, eventId: first.id }]);
    const report = await consumeSyncBatch(two.services, later);
    expect(report).toMatchObject({ acked: 1, covered: 1, retried: 0 });
    expect(two.calls).toEqual([]);
  });

  test("a consumer that dies mid-batch loses nothing: what it acknowledged is committed, the redelivered rest converges", async () => {
    const a = await subscribe(prices.monthly());
    const b = await subscribe(prices.monthly());
    const eventsA = (await eventsFor(a.customer)).filter((e) => e.type !== "customer.created");
    const eventsB = (await eventsFor(b.customer)).filter((e) => e.type !== "customer.created");
    await record(eventsA, a.customer);
    await record(eventsB, b.customer);
    const bodies: SyncMessage[] = [
      ...eventsA.map((e) => messageOf(a.customer, e)),
      ...eventsB.map((e) => messageOf(b.customer, e)),
    ];
    // The isolate dies during the second customer's sync: its database call never comes back.
    const base = backgroundServices(getServices(parseEnv(env)));
    let synced = 0;
    let died: () => void = () => undefined;
    const death = new Promise<void>((r) => {
      died = r;
    });
    const dying: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith("/rpc/sync_customer_caused") && synced++ >= 1) {
        died();
        return new Promise<Response>(() => undefined);
      }
      return fetch(input, init);
    };
    const { createClient } = await import("@supabase/supabase-js");
    const db = createClient<Database>(base.config.SUPABASE_URL, base.config.SUPABASE_SECRET_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: dying },
    });
    const batch = batchOf(bodies);
    void consumeSyncBatch({ ...base, db }, batch, { concurrency: 1 });
    await death;
    const crashed = await getQueueResult(batch, createExecutionContext());
    const idsA = batch.messages.slice(0, eventsA.length).map((m) => m.id);
    expect(crashed.explicitAcks.sort()).toEqual(idsA.sort());
    expect(crashed.retryMessages).toEqual([]);
    expect((await ledger(eventsA.map((e) => e.id))).every((r) => r.processed_at !== null)).toBe(true);
    // Cloudflare delivers again every message the dead invocation neither acknowledged nor retried.
    const again = createMessageBatch(
      "gatehouse-sync",
      batch.messages
        .filter((m) => !crashed.explicitAcks.includes(m.id))
        .map((m) => ({ id: m.id, timestamp: new Date(), attempts: 2, body: m.body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(again as MessageBatch<SyncMessage>, env, ctx);
    expect((await getQueueResult(again, ctx)).explicitAcks).toHaveLength(eventsB.length);
    const rows = await ledger([...eventsA, ...eventsB].map((e) => e.id));
    expect(rows.every((r) => r.processed_at !== null)).toBe(true);
    expect((await entitlementOf(a.user.id))?.active).toBe(true);
    expect((await entitlementOf(b.user.id))?.active).toBe(true);
  });

  test("acknowledges a customer Stripe does not know (a poison message) and finishes its event, binding nothing", async () => {
    const eventId = `evt_test_${crypto.randomUUID().replace(/-/g, "")}`;
    const customerId = "cus_nobody_knows_this_one";
    await getServices(parseEnv(env)).db.rpc("record_stripe_event", {
      p_id: eventId,
      p_type: "customer.subscription.updated",
      p_created: new Date().toISOString(),
      p_customer_id: customerId,
    });
    const batch = batchOf([{ kind: "customer", customerId, eventId }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<SyncMessage>, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([batch.messages[0]?.id]);
    expect(result.retryMessages).toEqual([]);
    const [row] = await ledger([eventId]);
    expect(row?.processed_at).not.toBeNull();
    expect(await adminSelect("customers", `stripe_customer_id=eq.${customerId}&select=user_id`)).toEqual([]);
  });

  test("drops a message that is not a sync message instead of retrying it forever", async () => {
    const batch = batchOf([{ hello: "world" }, { kind: "customer", customerId: "not-a-customer", eventId: "evt_1" }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<SyncMessage>, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
  });

  test("while Stripe is down, retries every message later with backoff and records why in the ledger", async () => {
    const { customer } = await subscribe(prices.monthly());
    const events = (await eventsFor(customer)).slice(0, 3);
    await record(events, customer);
    const batch = createMessageBatch(
      "gatehouse-sync",
      events.map((e, i) => ({
        id: `down-${n++}`,
        timestamp: new Date(),
        attempts: i === 0 ? 3 : 1,
        body: { kind: "customer", customerId: customer, eventId: e.id },
      })),
    );
    const ctx = createExecutionContext();
    await setFault("stripe", { down: true });
    try {
      await worker.queue(batch as MessageBatch<SyncMessage>, env, ctx);
    } finally {
      await setFault("stripe", { down: false });
    }
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    // One sync for the customer failed: all its messages come back (after the longest backoff among
    // them: retryDelaySeconds(3); getQueueResult does not report delays).
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(batch.messages.map((m) => m.id).sort());
    const rows = await ledger(events.map((e) => e.id));
    expect(rows.every((r) => r.processed_at === null && /stripe/i.test(r.last_error ?? ""))).toBe(true);
  });

  test("syncs catalog events through the queue too: one product update, re-read from Stripe", async () => {
    const product = await stripe.products.create({ name: "Queue catalog", metadata: { entitlement: "pro" } });
    const renamed = await stripe.products.update(product.id, { name: "Queue catalog, renamed" });
    const eventId = `evt_test_${crypto.randomUUID().replace(/-/g, "")}`;
    const s = getServices(parseEnv(env));
    await s.db.rpc("record_stripe_event", {
      p_id: eventId,
      p_type: "product.updated",
      p_created: new Date().toISOString(),
    });
    // The event's copy is stale (the old name): the consumer re-reads the product from Stripe.
    const batch = batchOf([{ kind: "product", eventId, product }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<SyncMessage>, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    const [row] = await adminSelect<{ name: string }>("products", `id=eq.${product.id}&select=name`);
    expect(row?.name).toBe(renamed.name);
    expect((await ledger([eventId]))[0]?.processed_at).not.toBeNull();
  });
});

describe("queue consumer — one-time purchases", () => {
  /** Backdates ledger events, as if received before the next sync read Stripe. */
  async function age(ids: readonly string[]): Promise<void> {
    const secret = inject("supabaseSecretKey");
    const res = await fetch(`${inject("supabaseUrl")}/rest/v1/stripe_events?id=in.(${ids.join(",")})`, {
      method: "PATCH",
      headers: { apikey: secret, authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ received_at: new Date(Date.now() - 60_000).toISOString() }),
    });
    expect(res.ok).toBe(true);
  }

  /** A user who paid for lifetime at Stripe; no sync has seen it yet. */
  async function paidLifetime() {
    const user = await createUser();
    const res = await api("/api/checkout", { method: "POST", token: user.token, json: { priceId: prices.lifetime() } });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect((await pay(id)).ok).toBe(true);
    const session = await stripe.checkout.sessions.retrieve(id);
    return { user, customer: String(session.customer), events: await eventsFor(String(session.customer)) };
  }

  /** A ledger event of the customer that says nothing about purchases. */
  async function subscriptionEvent(customerId: string): Promise<SyncMessage> {
    const eventId = `evt_test_${crypto.randomUUID().replace(/-/g, "")}`;
    const { error } = await getServices(parseEnv(env)).db.rpc("record_stripe_event", {
      p_id: eventId,
      p_type: "customer.subscription.updated",
      p_created: new Date().toISOString(),
      p_customer_id: customerId,
    });
    if (error) throw new Error(error.message);
    return { kind: "customer", customerId, eventId, payment: false };
  }

  test("a purchase is not missed when an earlier sync skipped the purchases: its event stays for a sync that reads them", async () => {
    const { user, customer, events } = await paidLifetime();
    const paymentEvents = events.filter((e) => isPaymentEvent(e.type, e.data.object));
    expect(paymentEvents.map((e) => e.type)).toContain("checkout.session.completed");
    await record(events, customer);
    await age(events.map((e) => e.id));
    // A batch with only a subscription event of the buyer: no purchase on record, so no purchase read…
    const first = countedServices();
    await consumeSyncBatch(first.services, batchOf([await subscriptionEvent(customer)]));
    expect(first.calls).not.toContain("GET /v1/checkout/sessions");
    // …and the payment events, received before that sync, are not answered by it.
    const rows = await ledger(paymentEvents.map((e) => e.id));
    expect(rows.map((r) => r.processed_at)).toEqual(paymentEvents.map(() => null));
    // Their own messages come in the next batch: not covered, the purchases are read, access granted.
    const second = countedServices();
    const report = await consumeSyncBatch(second.services, batchOf(paymentEvents.map((e) => messageOf(customer, e))));
    expect(report).toMatchObject({ covered: 0, retried: 0 });
    expect(second.calls).toContain("GET /v1/checkout/sessions");
    expect(await entitlementOf(user.id)).toMatchObject({ active: true });
    expect((await ledger(events.map((e) => e.id))).every((r) => r.processed_at !== null)).toBe(true);
  });

  test("a customer with purchases on record has them re-read for any event (a refund, a lifetime owner's subscription)", async () => {
    const { user, customer, events } = await paidLifetime();
    await record(events, customer);
    await consumeSyncBatch(countedServices().services, batchOf(events.map((e) => messageOf(customer, e))));
    expect(await entitlementOf(user.id)).toMatchObject({ active: true });
    const later = countedServices();
    await consumeSyncBatch(later.services, batchOf([await subscriptionEvent(customer)]));
    expect(later.calls).toContain("GET /v1/checkout/sessions");
  });
});

describe("POST /api/stripe/webhook — the queue", () => {
  test("records and queues; the consumer (Miniflare's queue) then unlocks the user", async () => {
    const { user, customer } = await subscribe(prices.monthly());
    const event = (await eventsFor(customer)).find((e) => e.type === "checkout.session.completed");
    if (!event) throw new Error("no checkout.session.completed");
    const res = await signedWebhook(JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, outcome: "queued" });
    await waitForLedger([event.id]);
    expect((await entitlementOf(user.id))?.active).toBe(true);
  });

  test("answers 503 when the queue refuses the event, and keeps it unprocessed in the ledger", async () => {
    const { customer } = await subscribe(prices.monthly());
    const event = (await eventsFor(customer)).find((e) => e.type === "checkout.session.completed");
    if (!event) throw new Error("no checkout.session.completed");
    const refusing = {
      send: () => Promise.reject(new Error("Queue is overloaded")),
      sendBatch: () => Promise.reject(new Error("Queue is overloaded")),
    };
    const header = await stripe.webhooks.generateTestHeaderStringAsync({
      payload: JSON.stringify(event),
      secret: (await import("vitest")).inject("webhookSecret"),
    });
    const res = await worker.fetch(
      new Request("https://api.test/api/stripe/webhook", {
        method: "POST",
        body: JSON.stringify(event),
        headers: { "stripe-signature": header, "content-type": "application/json" },
      }),
      { ...env, SYNC_QUEUE: refusing as unknown as Queue },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("upstream_unavailable");
    const [row] = await ledger([event.id]);
    expect(row).toMatchObject({ attempts: 1, processed_at: null });
    // Stripe's retry reaches a queue that works: processed.
    expect((await signedWebhook(JSON.stringify(event))).status).toBe(200);
    await waitForLedger([event.id]);
  });

  test("the success-page sync stays inline: unlocked in the response, no queue involved", async () => {
    const user = await createUser();
    const res = await api("/api/checkout", { method: "POST", token: user.token, json: { priceId: prices.monthly() } });
    const { id } = (await res.json()) as { id: string };
    const { pay } = await import("./helpers.ts");
    expect((await pay(id)).ok).toBe(true);
    const synced = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId: id } });
    expect(((await synced.json()) as { entitlement: { active: boolean } }).entitlement.active).toBe(true);
  });
});
