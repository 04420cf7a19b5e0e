// startCheckout's decisions from the database's checkout_context, with a fake `Services`: the real
// SDKs, whose HTTP the test answers. The full path (stand-ins, races, sessions) is test/checkout.test.ts.
import type { CheckoutContext } from "@gatehouse/types/db-functions";
import { describe, expect, test } from "vitest";
import { ApiError } from "../errors.ts";
import { fakeServices } from "../testing/fake-services.ts";
import { startCheckout } from "./start-checkout.ts";

const user = { id: "7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90", email: "ada@example.test" };
const price: NonNullable<CheckoutContext["price"]> = {
  id: "price_pro_monthly",
  productId: "prod_pro",
  entitlement: "pro",
  interval: "month",
  currency: "eur",
  unitAmount: 1900,
  type: "recurring",
  currencies: ["eur", "usd"],
  trialPeriodDays: null,
  catalogTrialDays: null,
};

/** public.checkout_context's answer: a user with a customer and no access, for the Pro price. */
function context(over: Partial<CheckoutContext> = {}): CheckoutContext {
  return {
    price,
    userExists: true,
    customerId: "cus_1",
    openSessionId: null,
    trialEligible: false,
    hasAccess: false,
    openSubscriptionStatus: null,
    ownedPurchaseId: null,
    ...over,
  };
}

/**
 * Services for a checkout that opens a session: the lease is free, Stripe lists no open session,
 * and the one it creates (cs_1, kept in `created` as sent) is recorded as the user's open one.
 */
function opening(ctx: CheckoutContext, created: Record<string, unknown>[]) {
  return fakeServices({
    rpc: {
      checkout_context: () => ctx,
      take_checkout_lease: () => ({ taken: true, openSessionId: null }),
      release_checkout_lease: (args) => args.p_session_id === "cs_1",
    },
    stripe: {
      "GET /v1/checkout/sessions": () => ({ object: "list", data: [], has_more: false, url: "/v1/checkout/sessions" }),
      "POST /v1/checkout/sessions": (form) => {
        created.push(form);
        return { id: "cs_1", object: "checkout.session", status: "open", url: "https://pay.test/cs_1" };
      },
    },
  });
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

describe("startCheckout refuses before touching Stripe", () => {
  test("a user who no longer exists (deleted, token still valid) is 401 and nothing is created", async () => {
    const s = fakeServices({ rpc: { checkout_context: () => context({ userExists: false, customerId: null }) } });
    const e = await refusal(startCheckout(s, user, "price_1"));
    expect([e.status, e.code]).toEqual([401, "unauthenticated"]);
    expect(s.calls).toEqual(["rpc checkout_context"]);
  });

  test("a price that may not be sold is 400 invalid_price", async () => {
    const s = fakeServices({ rpc: { checkout_context: () => context({ price: null }) } });
    const e = await refusal(startCheckout(s, user, "price_gone"));
    expect([e.status, e.code]).toEqual([400, "invalid_price"]);
    expect(e.message).toContain("price_gone");
    expect(s.calls).toEqual(["rpc checkout_context"]);
  });

  test.each([
    ["a subscription", price],
    ["lifetime again", { ...price, id: "price_lifetime", type: "one_time" as const, interval: null }],
  ])("a lifetime owner buying %s is 409 already_owned", async (_what, p) => {
    const s = fakeServices({ rpc: { checkout_context: () => context({ price: p, ownedPurchaseId: "cs_paid" }) } });
    const e = await refusal(startCheckout(s, user, p.id));
    expect([e.status, e.code]).toEqual([409, "already_owned"]);
    expect(s.calls).toEqual(["rpc checkout_context"]);
  });

  test.each(["jpy", "xyz", "gbp"])(
    "a currency the price is not sold in (%s) is 400 invalid_currency naming it",
    async (currency) => {
      const s = fakeServices({ rpc: { checkout_context: () => context() } });
      const e = await refusal(startCheckout(s, user, price.id, { currency }));
      expect([e.status, e.code]).toEqual([400, "invalid_currency"]);
      expect(e.message).toContain(currency.toUpperCase());
      expect(e.message).toContain("EUR, USD");
      expect(s.calls).toEqual(["rpc checkout_context"]);
    },
  );

  test("a user with access is 409 already_subscribed", async () => {
    const s = fakeServices({ rpc: { checkout_context: () => context({ hasAccess: true }) } });
    const e = await refusal(startCheckout(s, user, price.id));
    expect([e.status, e.code]).toEqual([409, "already_subscribed"]);
    expect(s.calls).toEqual(["rpc checkout_context"]);
  });

  test.each(["past_due", "unpaid", "paused"])("a %s subscription sends the user to the portal", async (status) => {
    const s = fakeServices({ rpc: { checkout_context: () => context({ openSubscriptionStatus: status }) } });
    const e = await refusal(startCheckout(s, user, price.id));
    expect([e.status, e.code]).toEqual([409, "already_subscribed"]);
    expect(e.message).toContain(status.replace("_", " "));
    expect(e.message).toContain("billing portal");
    expect(s.calls).toEqual(["rpc checkout_context"]);
  });
});

describe("startCheckout opens a session", () => {
  test("for the user's customer, names the user, and records the session as the open one", async () => {
    const created: Record<string, unknown>[] = [];
    const s = opening(context(), created);
    expect(await startCheckout(s, user, price.id, { locale: "fr" })).toEqual({
      id: "cs_1",
      url: "https://pay.test/cs_1",
    });
    expect(created[0]).toMatchObject({
      customer: "cus_1",
      client_reference_id: user.id,
      "subscription_data[metadata][user_id]": user.id,
      locale: "fr",
    });
    expect(s.calls).toEqual([
      "rpc checkout_context",
      "rpc take_checkout_lease",
      "GET /v1/checkout/sessions",
      "rpc take_checkout_lease",
      "POST /v1/checkout/sessions",
      "rpc release_checkout_lease",
    ]);
  });
});

describe("startCheckout opens a payment-mode session for a one-time price", () => {
  test.each([
    ["en", "One-time purchase on Gatehouse"],
    ["fr", "Achat unique sur Gatehouse"],
  ] as const)(
    "with a post-payment invoice (invoice_creation) described in the buyer's language (%s)",
    async (locale, description) => {
      const lifetime = { ...price, id: "price_lifetime", type: "one_time" as const, interval: null };
      const created: Record<string, unknown>[] = [];
      const s = opening(context({ price: lifetime }), created);
      await startCheckout(s, user, lifetime.id, { locale });
      expect(created[0]).toMatchObject({
        mode: "payment",
        "payment_intent_data[metadata][user_id]": user.id,
        "invoice_creation[enabled]": "true",
        "invoice_creation[invoice_data][description]": description,
        "invoice_creation[invoice_data][metadata][user_id]": user.id,
        "invoice_creation[invoice_data][metadata][price_id]": lifetime.id,
      });
      expect(Object.keys(created[0] ?? {}).some((k) => k.startsWith("subscription_data"))).toBe(false);
    },
  );
});

interface FakeSession {
  id: string;
  object: "checkout.session";
  customer: string;
  mode: "subscription";
  status: "open" | "expired" | "complete";
  url: string | null;
  metadata: Record<string, string>;
}

/**
 * A user's Checkout Sessions as Stripe and the database hold them, for the one-open-session rule:
 * Stripe creates, retrieves, lists and expires sessions (`expireAnswer` may refuse an expire, as a
 * 429 does); the database holds the recorded session and the checkout lease.
 */
function sessionWorld(opts: { expireAnswer?: (id: string, attempt: number) => Response | null } = {}) {
  const sessions = new Map<string, FakeSession>();
  const expireAttempts = new Map<string, number>();
  const db = { recorded: null as string | null, lease: null as string | null };
  let n = 0;
  const add = (priceId: string, status: FakeSession["status"] = "open"): FakeSession => {
    const id = `cs_${++n}`;
    const session: FakeSession = {
      id,
      object: "checkout.session",
      customer: "cus_1",
      mode: "subscription",
      status,
      url: `https://pay.test/${id}`,
      metadata: { user_id: user.id, price_id: priceId, locale: "", currency: "eur" },
    };
    sessions.set(id, session);
    return session;
  };
  const stripeError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error: { type, message } }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  const services = (ctx: Record<string, unknown> = {}) =>
    fakeServices({
      rpc: {
        checkout_context: () => context({ openSessionId: db.recorded, ...ctx }),
        take_checkout_lease: (a) => {
          const taken = db.lease === null || db.lease === a.p_token;
          if (taken) db.lease = String(a.p_token);
          return { taken, openSessionId: db.recorded };
        },
        release_checkout_lease: (a) => {
          if (db.lease !== a.p_token) return false;
          db.lease = null;
          if (a.p_session_id) db.recorded = String(a.p_session_id);
          return true;
        },
      },
      stripeAny: (method, path, p) => {
        if (method === "POST" && path === "/v1/checkout/sessions") return add(String(p["metadata[price_id]"]));
        if (method === "GET" && path === "/v1/checkout/sessions") {
          const data = [...sessions.values()].filter((x) => x.customer === p.customer && x.status === p.status);
          return { object: "list", data, has_more: false, url: path };
        }
        const [, id, action] = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path) ?? [];
        const session = id ? sessions.get(id) : undefined;
        if (!id || !session) return stripeError(404, "invalid_request_error", `No such checkout.session: '${id}'`);
        if (method === "GET" && !action) return session;
        if (method === "POST" && action) {
          const attempt = expireAttempts.get(id) ?? 0;
          expireAttempts.set(id, attempt + 1);
          const refused = opts.expireAnswer?.(id, attempt);
          if (refused) return refused;
          if (session.status !== "open")
            return stripeError(
              400,
              "invalid_request_error",
              "Only Checkout Sessions with a status of open can be expired.",
            );
          session.status = "expired";
          return session;
        }
        return stripeError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path})`);
      },
    });
  const open = () => [...sessions.values()].filter((x) => x.status === "open").map((x) => x.id);
  return { sessions, db, add, services, open, expireAttempts, stripeError };
}

const rateLimited = () =>
  new Response(JSON.stringify({ error: { type: "invalid_request_error", message: "Request rate limit exceeded." } }), {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": "0" },
  });

describe("startCheckout keeps one open session per user when Stripe fails", () => {
  test("a plan switch whose expire Stripe keeps refusing (429) is 503 upstream_unavailable and opens nothing", async () => {
    const world = sessionWorld({ expireAnswer: () => rateLimited() });
    const monthly = world.add(price.id);
    world.db.recorded = monthly.id;
    const e = await refusal(startCheckout(world.services(), user, "price_pro_yearly"));
    expect([e.status, e.code]).toEqual([503, "upstream_unavailable"]);
    // The monthly session is still the user's one open session; no yearly one was opened beside it.
    expect(world.open()).toEqual([monthly.id]);
    expect(world.sessions.size).toBe(1);
    expect(world.db.lease).toBeNull();
  });

  test("an expire refused with 429 a few times is tried again (Retry-After) and the switch goes through", async () => {
    const world = sessionWorld({ expireAnswer: (_id, attempt) => (attempt < 2 ? rateLimited() : null) });
    const monthly = world.add(price.id);
    world.db.recorded = monthly.id;
    const yearly = await startCheckout(world.services(), user, "price_pro_yearly");
    expect(world.open()).toEqual([yearly.id]);
    expect(world.sessions.get(monthly.id)?.status).toBe("expired");
    expect(world.db.recorded).toBe(yearly.id);
  });

  test("an open session the database does not record (its request died) is closed before a new one opens", async () => {
    const world = sessionWorld();
    const recorded = world.add(price.id);
    const leftover = world.add("price_basic_monthly");
    world.db.recorded = recorded.id;
    const next = await startCheckout(world.services(), user, "price_pro_yearly");
    expect(world.open()).toEqual([next.id]);
    expect([recorded.id, leftover.id].map((id) => world.sessions.get(id)?.status)).not.toContain("open");
  });

  test("a request that finds a session recorded by a concurrent one hands that one out and opens none", async () => {
    const world = sessionWorld();
    const services = world.services({ openSessionId: null }); // read before the other request recorded
    const winner = world.add("price_pro_yearly");
    world.db.recorded = winner.id;
    expect(await startCheckout(services, user, price.id)).toEqual({ id: winner.id, url: winner.url });
    expect(world.open()).toEqual([winner.id]);
    expect(services.calls).not.toContain("POST /v1/checkout/sessions");
  });

  test("a session paid while it was being closed is 409 already_subscribed, and none is opened", async () => {
    const world = sessionWorld({
      expireAnswer: (id) => {
        const s = world.sessions.get(id);
        if (s) s.status = "complete"; // the user paid it in the other tab a moment before
        return world.stripeError(
          400,
          "invalid_request_error",
          "Only Checkout Sessions with a status of open can be expired.",
        );
      },
    });
    const monthly = world.add(price.id);
    world.db.recorded = monthly.id;
    const e = await refusal(startCheckout(world.services(), user, "price_pro_yearly"));
    expect([e.status, e.code]).toEqual([409, "already_subscribed"]);
    expect(world.sessions.size).toBe(1);
    expect(world.db.lease).toBeNull();
  });

  test("a request waits while another checkout of the user holds the lease", async () => {
    const world = sessionWorld();
    world.db.lease = "another-request";
    const services = world.services();
    const pending = startCheckout(services, user, price.id);
    // The other request ends (releases) once this one has asked twice.
    while (services.calls.filter((c) => c === "rpc take_checkout_lease").length < 2)
      await new Promise((r) => setTimeout(r, 5));
    world.db.lease = null;
    const opened = await pending;
    expect(world.open()).toEqual([opened.id]);
    expect(world.db.recorded).toBe(opened.id);
  });
});
