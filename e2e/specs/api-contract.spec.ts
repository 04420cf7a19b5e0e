// The API's contract as a client sees it, through HTTP only: what `npm test` checks against the
// stand-ins and `npm run test:live` checks, unchanged, against real Stripe (test mode) and a real
// Supabase project. Everything it creates is removed at the end, and the removal is checked.
import { expect, test } from "@playwright/test";
import { CreatedUsers, customerDeleted, removeUser, stripeCustomerOf, userExists } from "../src/cleanup.ts";
import { CHECKOUT_URL, createConfirmedUser, newEmail, PASSWORD } from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

const created = new CreatedUsers();
test.afterAll(async () => {
  await created.removeAll();
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

async function api(path: string, init: { method?: string; token?: string; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined || init.raw !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${stackInfo().urls.api}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? "POST" : "GET"),
    headers,
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body) }
        : {}),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

function expectError(r: { status: number; json: unknown }, status: number, code: string) {
  expect(r.status).toBe(status);
  const body = r.json as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId).toMatch(/\S/);
}

/** A confirmed user (admin API) and its access token (password grant), as the SPA would hold it. */
async function signedInUser(tag: string): Promise<{ id: string; token: string }> {
  const email = newEmail(tag);
  const id = await createConfirmedUser(email);
  created.add(id);
  const { urls, keys } = stackInfo();
  const res = await fetch(`${urls.supabase}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: keys.publishable, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  return { id, token: access_token };
}

test.describe("API contract @live", () => {
  test("health answers, and a signed-out caller gets 401 in the error shape", async () => {
    const health = await api("/api/health");
    expect(health).toEqual({ status: 200, json: { ok: true } });
    expectError(await api("/api/me"), 401, "unauthenticated");
    expectError(await api("/api/checkout", { body: { priceId: stackInfo().prices.monthly } }), 401, "unauthenticated");
  });

  test("an unsigned webhook is refused and changes nothing", async () => {
    const r = await api("/api/stripe/webhook", { raw: JSON.stringify({ id: "evt_unsigned", type: "ping" }) });
    expect(r.status).toBe(400);
  });

  test("a new user: not entitled, bad checkouts refused, one checkout URL, a portal, then removed", async () => {
    const user = await signedInUser("contract");
    const me = await api("/api/me", { token: user.token });
    expect(me.status).toBe(200);
    expect((me.json as { user: { id: string } }).user.id).toBe(user.id);
    expect((me.json as { entitlement: { active: boolean } }).entitlement.active).toBe(false);

    expectError(
      await api("/api/checkout", { token: user.token, body: { priceId: "price_not_ours" } }),
      400,
      "invalid_price",
    );
    expectError(await api("/api/checkout", { token: user.token, raw: "{not json" }), 400, "invalid_json");

    const first = await api("/api/checkout", { token: user.token, body: { priceId: stackInfo().prices.monthly } });
    expect(first.status).toBe(200);
    const url = (first.json as { url: string }).url;
    expect(url).toMatch(CHECKOUT_URL());
    // A second click while the first session is open returns the same session: one payable at a time.
    const again = await api("/api/checkout", { token: user.token, body: { priceId: stackInfo().prices.monthly } });
    expect((again.json as { url: string }).url).toBe(url);

    const sync = await api("/api/billing/sync", { token: user.token, body: {} });
    expect(sync.status).toBe(200);
    expect((sync.json as { entitlement: { active: boolean } }).entitlement.active).toBe(false);

    const portal = await api("/api/billing/portal", { token: user.token, body: {} });
    expect(portal.status).toBe(200);
    expect(URL.canParse((portal.json as { url: string }).url)).toBe(true);

    // The clean-up the live lane relies on: the Stripe customer and the user are gone.
    const customer = await stripeCustomerOf(user.id);
    expect(customer).toMatch(/^cus_/);
    await removeUser(user.id);
    expect(await userExists(user.id)).toBe(false);
    expect(await customerDeleted(customer ?? "")).toBe(true);
  });
});
