import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SANDBOX_STRIPE_SECRET_KEY } from "../keys.ts";
import { checkout, type Harness, makePlan, startHarness } from "./test-support.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 90_000 });

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ limits: {} });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function limits(body: Record<string, unknown>) {
  const res = await h.control("/_sandbox/limits", { ...body, resetStats: true });
  expect(res.status).toBe(200);
}

/** Raw `/v1` GETs, to see status, body and headers exactly as the stand-in answers. */
async function rawGet(path: string): Promise<Response> {
  return fetch(`${h.standIn.url}${path}`, { headers: { authorization: `Bearer ${SANDBOX_STRIPE_SECRET_KEY}` } });
}

describe("Stripe's rate limits", () => {
  beforeEach(async () => {
    // Setting the limits starts every budget afresh.
    await limits({ perSecond: 25, perEndpointPerSecond: 25, lockTimeoutMs: 2000 });
  });

  it("are on by default, at test mode's 25 requests a second", async () => {
    const res = await h.control<{ settings: { perSecond: number; perEndpointPerSecond: number } }>("/_sandbox/limits");
    expect(res.body.settings).toMatchObject({ perSecond: 25, perEndpointPerSecond: 25 });
  });

  it("answer a burst over the budget with 429, type invalid_request_error and no code", async () => {
    await limits({ perSecond: 5, perEndpointPerSecond: 5 });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 60 }, () => rawGet("/v1/customers?limit=1")));
    const seconds = (Date.now() - started) / 1000;
    const refused = answers.filter((r) => r.status === 429);
    // At most one second's burst plus what the budget refilled while the burst ran.
    expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(5 + Math.ceil(5 * seconds));
    expect(refused.length).toBeGreaterThan(0);
    const first = refused[0];
    if (!first) throw new Error("no 429");
    const body = (await first.json()) as { error: Record<string, unknown> };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.code).toBeUndefined();
    expect(String(body.error.message)).toMatch(/rate limit/i);
    expect(first.headers.get("request-id")).toMatch(/^req_/);
    expect(first.headers.get("stripe-should-retry")).toBe("false");
    const stats = await h.control<{ rateLimited: number }>("/_sandbox/limits");
    expect(stats.body.rateLimited).toBe(refused.length);
  });

  it("surface in stripe-node as StripeRateLimitError", async () => {
    await limits({ perSecond: 2 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => h.stripe.customers.list({ limit: 1 })));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect((e as Stripe.errors.StripeError).statusCode).toBe(429);
      expect((e as Stripe.errors.StripeError).code).toBeUndefined();
    }
  });

  it("count each named operation separately: the list and the retrieve of one resource", async () => {
    await limits({ perSecond: 1000, perEndpointPerSecond: 3 });
    const customer = await h.stripe.customers.create({ email: "limits@example.test" });
    const lists = await Promise.all(Array.from({ length: 8 }, () => rawGet("/v1/customers?limit=1")));
    expect(lists.some((r) => r.status === 429)).toBe(true);
    // The list's budget is spent; the retrieve (another endpoint) still has its own.
    expect((await rawGet(`/v1/customers/${customer.id}`)).status).toBe(200);
    const stats = await h.control<{ admitted: Record<string, number> }>("/_sandbox/limits");
    expect(stats.body.admitted["GET /v1/customers/{id}"]).toBe(1);
    expect(stats.body.admitted["GET /v1/customers"]).toBeLessThanOrEqual(4);
  });

  it("leave the sandbox controls and the hosted pages alone", async () => {
    await limits({ perSecond: 1, perEndpointPerSecond: 1 });
    for (let i = 0; i < 5; i++) expect((await h.control("/_sandbox/health")).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await fetch(`${h.standIn.url}/`)).status).toBe(200);
  });

  it("turn off with 0", async () => {
    await limits({ perSecond: 0, perEndpointPerSecond: 0 });
    const answers = await Promise.all(Array.from({ length: 80 }, () => rawGet("/v1/customers?limit=1")));
    expect(answers.every((r) => r.status === 200)).toBe(true);
  });

  it("refuse settings that are not numbers in range", async () => {
    for (const body of [{ perSecond: -1 }, { perEndpointPerSecond: "many" }, { lockTimeoutMs: 1e9 }]) {
      const res = await h.control<{ error: { param: string } }>("/_sandbox/limits", body);
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe(Object.keys(body)[0]);
    }
  });
});

describe("object locks", () => {
  /** No rate limits, this lock timeout, and a fresh subscription (its id) to write to. */
  async function subscriptionWithLockTimeout(lockTimeoutMs: number): Promise<string> {
    await limits({ perSecond: 0, perEndpointPerSecond: 0, lockTimeoutMs });
    const plan = await makePlan(h.stripe);
    return (await checkout(h, plan.id)).subscription.id;
  }
  /** `n` metadata updates of the subscription, sent at once. */
  const concurrentUpdates = (subscription: string, n: number) =>
    Array.from({ length: n }, (_, i) => h.stripe.subscriptions.update(subscription, { metadata: { n: String(i) } }));

  it("answer 429 lock_timeout to a write while another write holds the same object", async () => {
    const subscription = await subscriptionWithLockTimeout(0);
    const results = await Promise.allSettled(concurrentUpdates(subscription, 8));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect((e as Stripe.errors.StripeError).code).toBe("lock_timeout");
    }
    // Writes to other objects, and writes once the holder is done, go through.
    expect((await h.stripe.subscriptions.update(subscription, { metadata: { n: "last" } })).metadata.n).toBe("last");
  });

  it("let a write that waits within lockTimeoutMs through", async () => {
    const subscription = await subscriptionWithLockTimeout(5000);
    const results = await Promise.all(concurrentUpdates(subscription, 6));
    expect(results).toHaveLength(6);
  });
});
