import Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SANDBOX_STRIPE_SECRET_KEY } from "../keys.ts";
import { type RunningPostgres, startTestDatabase } from "../postgres/index.ts";
import { type RunningStripeStandIn, startStripeStandIn } from "./index.ts";
import { NO_LIMITS } from "./rate-limits.ts";

let db: RunningPostgres;
let standIn: RunningStripeStandIn;

beforeAll(async () => {
  db = await startTestDatabase();
  // About idempotency, not pacing: a burst over Stripe's rate limit would answer 429 before the key
  // is looked at (rate-limits.test.ts covers the limits).
  standIn = await startStripeStandIn({ databaseUrl: db.url, port: 0, limits: NO_LIMITS });
}, 90_000);
afterAll(async () => {
  await standIn?.stop();
  await db?.stop();
});

test("concurrent requests with one idempotency key create one object, even when some are refused as in use", async () => {
  const key = `race-${Date.now()}`;
  const body = new URLSearchParams({ email: "race@example.test", "metadata[user_id]": "u1" }).toString();
  const send = () =>
    fetch(`${standIn.url}/v1/customers`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${SANDBOX_STRIPE_SECRET_KEY}`,
        "content-type": "application/x-www-form-urlencoded",
        "idempotency-key": key,
      },
      body,
    });
  const answers = await Promise.all(Array.from({ length: 20 }, send));
  const statuses = answers.map((r) => r.status);
  expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
  // Retry the refused ones until the first finishes: all must get the same customer.
  const ids = new Set<string>();
  for (const r of answers) if (r.status === 200) ids.add(((await r.json()) as { id: string }).id);
  for (let i = 0; i < 20 && statuses.includes(409); i++) {
    const again = await send();
    if (again.status === 200) ids.add(((await again.json()) as { id: string }).id);
  }
  const stripe = new Stripe(SANDBOX_STRIPE_SECRET_KEY, {
    host: "127.0.0.1",
    port: new URL(standIn.url).port,
    protocol: "http",
  });
  const listed = await stripe.customers.list({ email: "race@example.test" });
  expect(listed.data).toHaveLength(1);
  expect([...ids]).toEqual([listed.data[0]?.id]);
}, 60_000);
