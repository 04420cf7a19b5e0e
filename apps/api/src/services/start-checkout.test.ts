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
    const s = fakeServices({
      rpc: {
        checkout_context: () => context(),
        claim_checkout_session: (args) => args.p_session_id,
      },
      stripe: {
        "POST /v1/checkout/sessions": (form) => {
          created.push(form);
          return { id: "cs_1", object: "checkout.session", status: "open", url: "https://pay.test/cs_1" };
        },
      },
    });
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
    expect(s.calls).toEqual(["rpc checkout_context", "POST /v1/checkout/sessions", "rpc claim_checkout_session"]);
  });
});
