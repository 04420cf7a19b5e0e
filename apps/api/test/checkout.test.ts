import { describe, expect, test } from "vitest";
import {
  APP_URL,
  adminSelect,
  api,
  createUser,
  openCheckout,
  postCheckout,
  prices,
  stripe,
  subscribe,
} from "./helpers.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe("POST /api/checkout — happy", () => {
  test("opens a Checkout Session that names the user everywhere Stripe will echo it", async () => {
    const user = await createUser();
    const res = await postCheckout(user.token, { priceId: prices.monthly(), locale: "fr" });
    expect(res.status).toBe(200);
    const { url, id } = (await res.json()) as { url: string; id: string };
    expect(id).toMatch(/^cs_/);
    expect(url).toMatch(/^http/);
    const session = await stripe.checkout.sessions.retrieve(id);
    expect(session.client_reference_id).toBe(user.id);
    expect(session.mode).toBe("subscription");
    expect(session.success_url).toBe(`${APP_URL}/billing/success?session_id={CHECKOUT_SESSION_ID}`);
    expect(session.metadata?.user_id).toBe(user.id);
    const customer = await stripe.customers.retrieve(String(session.customer));
    expect("deleted" in customer && customer.deleted).toBeFalsy();
    expect((customer as { metadata: Record<string, string> }).metadata.user_id).toBe(user.id);
    expect((customer as { email: string | null }).email).toBe(user.email);
  });

  test("reuses the open session when asked twice for the same price", async () => {
    const user = await createUser();
    const first = await openCheckout(user, prices.monthly());
    const second = await openCheckout(user, prices.monthly());
    expect(second.id).toBe(first.id);
  });

  test("expires the open session of the other plan when the user switches plan before paying", async () => {
    const user = await createUser();
    const monthly = await openCheckout(user, prices.monthly());
    const yearly = await openCheckout(user, prices.yearly());
    expect(yearly.id).not.toBe(monthly.id);
    expect((await stripe.checkout.sessions.retrieve(monthly.id)).status).toBe("expired");
    expect((await stripe.checkout.sessions.retrieve(yearly.id)).status).toBe("open");
  });

  test("20 concurrent requests for one user make one customer and at most one open session", async () => {
    const user = await createUser();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => postCheckout(user.token, { priceId: prices.monthly() })),
    );
    const bodies = (await Promise.all(results.map((r) => r.json()))) as Array<{ id?: string }>;
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const customers = await adminSelect<{ stripe_customer_id: string }>(
      "customers",
      `user_id=eq.${user.id}&select=stripe_customer_id`,
    );
    expect(customers).toHaveLength(1);
    const stripeCustomers = await stripe.customers.list({ email: user.email, limit: 10 });
    expect(stripeCustomers.data).toHaveLength(1);
    const open = await stripe.checkout.sessions.list({
      customer: customers[0]?.stripe_customer_id ?? "",
      status: "open",
      limit: 100,
    });
    expect(open.data.length).toBe(1);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
  });
});

test("concurrent checkouts for two plans leave exactly one payable session", async () => {
  const user = await createUser();
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      postCheckout(user.token, { priceId: i % 2 ? prices.yearly() : prices.monthly() }),
    ),
  );
  expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  const ids = new Set(((await Promise.all(results.map((r) => r.json()))) as Array<{ id: string }>).map((b) => b.id));
  const [row] = await adminSelect<{ stripe_customer_id: string }>(
    "customers",
    `user_id=eq.${user.id}&select=stripe_customer_id`,
  );
  const open = await stripe.checkout.sessions.list({
    customer: row?.stripe_customer_id ?? "",
    status: "open",
    limit: 100,
  });
  expect(open.data).toHaveLength(1);
  // A later request may replace an earlier answer's session (the last click wins); one answer holds it.
  expect(ids.has(open.data[0]?.id ?? "")).toBe(true);
});

test("a user with an open session who asks for both plans in many tabs at once keeps one payable session", async () => {
  const { pay } = await import("./helpers.ts");
  const user = await createUser();
  const post = (priceId: string) => postCheckout(user.token, { priceId });
  expect((await post(prices.monthly())).status).toBe(200);
  // Every yearly request must replace the monthly session; the monthly ones race them.
  const results = await Promise.all(
    Array.from({ length: 16 }, (_, i) => post(i % 2 ? prices.monthly() : prices.yearly())),
  );
  expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  const ids = new Set(((await Promise.all(results.map((r) => r.json()))) as Array<{ id: string }>).map((b) => b.id));
  const [row] = await adminSelect<{ stripe_customer_id: string }>(
    "customers",
    `user_id=eq.${user.id}&select=stripe_customer_id`,
  );
  const customer = row?.stripe_customer_id ?? "";
  const open = await stripe.checkout.sessions.list({ customer, status: "open", limit: 100 });
  expect(open.data.map((s) => s.id)).toHaveLength(1);
  // Paying every session handed out makes one subscription, never two.
  let paid = 0;
  for (const id of ids) if ((await pay(id)).ok) paid++;
  expect(paid).toBe(1);
  const subs = await stripe.subscriptions.list({ customer, status: "all", limit: 100 });
  expect(subs.data.filter((s) => ["active", "trialing", "past_due"].includes(s.status))).toHaveLength(1);
});

describe("POST /api/checkout — errors", () => {
  test("refuses malformed JSON with a message", async () => {
    const user = await createUser();
    const res = await api("/api/checkout", {
      method: "POST",
      token: user.token,
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect((await codeOf(res)).code).toBe("invalid_json");
  });

  test.each([
    [{}, "priceId"],
    [{ priceId: 42 }, "priceId"],
    [{ priceId: "price_1", locale: "de" }, "locale"],
    [{ priceId: "price_1", extra: true }, "extra"],
  ])("refuses the body %j, naming %s", async (json, field) => {
    const user = await createUser();
    const res = await postCheckout(user.token, json);
    expect(res.status).toBe(400);
    const err = await codeOf(res);
    expect(err.code).toBe("invalid_body");
    expect(err.message).toContain(field);
  });

  test.each([
    ["an unknown price", () => "price_does_not_exist"],
    ["an inactive price", () => prices.inactive()],
    ["a price of a product without metadata.entitlement", () => prices.noEntitlement()],
  ])("refuses %s with invalid_price", async (_label, price) => {
    const user = await createUser();
    const res = await postCheckout(user.token, { priceId: price() });
    expect(res.status).toBe(400);
    expect((await codeOf(res)).code).toBe("invalid_price");
  });

  test("answers 409 already_subscribed to a user who has access", async () => {
    const { user, sessionId } = await subscribe(prices.monthly());
    const sync = await api("/api/billing/sync", { method: "POST", token: user.token, json: { sessionId } });
    expect(sync.status).toBe(200);
    const res = await postCheckout(user.token, { priceId: prices.yearly() });
    expect(res.status).toBe(409);
    expect((await codeOf(res)).code).toBe("already_subscribed");
  });
});

describe("POST /api/checkout — security", () => {
  test("returns 401 without a session", async () => {
    const res = await postCheckout(undefined, { priceId: prices.monthly() });
    expect(res.status).toBe(401);
  });

  test("never takes the user from the body", async () => {
    const user = await createUser();
    const res = await postCheckout(user.token, { priceId: prices.monthly(), userId: crypto.randomUUID() });
    expect(res.status).toBe(400);
  });
});

describe("POST /api/checkout — a subscription that is not over", () => {
  test("a past-due user is sent to the portal instead of opening a second subscription", async () => {
    const { advanceClock, deliver, entitlementOf, eventsFor } = await import("./helpers.ts");
    const { user, customer } = await subscribe(prices.monthly(), "4000000000000341");
    await advanceClock(31 * 86_400);
    await deliver(await eventsFor(customer));
    expect((await entitlementOf(user.id))?.active).toBe(false);
    const res = await postCheckout(user.token, { priceId: prices.monthly() });
    expect(res.status).toBe(409);
    const err = await codeOf(res);
    expect(err.code).toBe("already_subscribed");
    expect(err.message).toMatch(/past due|unpaid/);
  });
});

describe("POST /api/checkout — coming back", () => {
  test("a former subscriber whose subscription ended can subscribe again", async () => {
    const { deliver, eventsFor } = await import("./helpers.ts");
    const { user, customer, subscription } = await subscribe(prices.monthly());
    await stripe.subscriptions.cancel(subscription);
    await deliver(await eventsFor(customer));
    const res = await postCheckout(user.token, { priceId: prices.monthly() });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect((await stripe.checkout.sessions.retrieve(id)).status).toBe("open");
  });

  test("a user whose paid session has not been synced yet is told to wait, not charged twice", async () => {
    const { pay } = await import("./helpers.ts");
    const user = await createUser();
    const first = await openCheckout(user, prices.monthly());
    expect((await pay(first.id)).ok).toBe(true);
    const res = await postCheckout(user.token, { priceId: prices.yearly() });
    expect(res.status).toBe(409);
  });
});
