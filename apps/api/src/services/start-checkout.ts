// POST /api/checkout: one Stripe customer per user, at most one open Checkout Session per user.
import type { CheckoutResponse, Locale } from "@gatehouse/types";
import Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { callRpc, selectOne } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";

export interface CheckoutOptions {
  locale?: Locale | undefined;
  /** ISO code (any case) of one of the price's currencies; default: the price's own. */
  currency?: string | undefined;
}

/** Sessions opened within one window share an idempotency key, so double clicks get one session. */
const SESSION_WINDOW_MS = 10 * 60_000;

/** Retries a Stripe call that lost a race on its idempotency key (409 while the first is in flight). */
async function withKeyRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const inFlight =
        e instanceof Stripe.errors.StripeIdempotencyError ||
        (e instanceof Stripe.errors.StripeError && e.statusCode === 409);
      if (!inFlight || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

async function retrieveSession(s: Services, id: string): Promise<Stripe.Checkout.Session | null> {
  try {
    return await stripeCall("checkout.sessions.retrieve", () => s.stripe.checkout.sessions.retrieve(id));
  } catch (e) {
    if (isMissingStripeObject(e)) return null;
    throw e;
  }
}

/** Did Stripe answer from its idempotency store (Idempotent-Replayed: true) rather than act now? */
function wasReplayed(res: { lastResponse?: { headers?: unknown } }): boolean {
  const headers = res.lastResponse?.headers;
  if (headers instanceof Headers) return headers.get("idempotent-replayed") === "true";
  return (headers as Record<string, string> | undefined)?.["idempotent-replayed"] === "true";
}

/** Is this subscription already in the mirror (a past one, synced), rather than just paid? */
async function isMirrored(s: Services, session: Stripe.Checkout.Session): Promise<boolean> {
  // A one-time payment is mirrored as a purchase (keyed by its session), a subscription as itself.
  if (session.mode === "payment") return (await selectOne(s.db, "purchases", ["id"], "id", session.id)) !== null;
  return isSubscriptionMirrored(s, session.subscription);
}

async function isSubscriptionMirrored(
  s: Services,
  subscription: string | Stripe.Subscription | null,
): Promise<boolean> {
  const id = typeof subscription === "string" ? subscription : subscription?.id;
  if (!id) return false;
  return (await selectOne(s.db, "subscriptions", ["id"], "id", id)) !== null;
}

async function expireSession(s: Services, id: string): Promise<void> {
  // Already expired or completed sessions refuse; either way it can no longer be paid twice.
  await stripeCall("checkout.sessions.expire", () => s.stripe.checkout.sessions.expire(id)).catch(() => undefined);
}

async function ensureCustomer(s: Services, user: AuthUser, existing: string | null): Promise<string> {
  if (existing) return existing;
  // The key makes concurrent first checkouts of one user create a single Stripe customer.
  const customer = await withKeyRace(() =>
    stripeCall("customers.create", () =>
      s.stripe.customers.create(
        { ...(user.email ? { email: user.email } : {}), metadata: { user_id: user.id } },
        { idempotencyKey: `gatehouse-customer-${user.id}` },
      ),
    ),
  );
  return callRpc(s.db, "bind_customer", { p_user_id: user.id, p_customer_id: customer.id });
}

export async function startCheckout(
  s: Services,
  user: AuthUser,
  priceId: string,
  opts: CheckoutOptions = {},
): Promise<CheckoutResponse> {
  const { locale } = opts;
  const ctx = await callRpc(s.db, "checkout_context", { p_user_id: user.id, p_price_id: priceId });
  if (!ctx.userExists) throw new ApiError(401, "unauthenticated", "This account no longer exists: sign in again");
  if (!ctx.price) {
    throw new ApiError(400, "invalid_price", `Price ${priceId} is not an active price of a Gatehouse product`);
  }
  const oneTime = ctx.price.type === "one_time";
  const currency = chosenCurrency(ctx.price, opts.currency);
  if (ctx.ownedPurchaseId) {
    throw new ApiError(
      409,
      "already_owned",
      oneTime
        ? "You already own lifetime access: there is nothing more to buy"
        : "You own lifetime access: a subscription would only charge you for what you have",
    );
  }
  if (oneTime) {
    // A subscriber may buy lifetime access: their subscription is then set to end at period end.
  } else if (ctx.hasAccess) {
    throw new ApiError(409, "already_subscribed", "You already have access: manage your plan in the billing portal");
  } else if (ctx.openSubscriptionStatus) {
    // past_due, unpaid, paused: no access, but a second subscription would charge twice.
    throw new ApiError(
      409,
      "already_subscribed",
      `Your subscription is ${ctx.openSubscriptionStatus.replace("_", " ")}: update your payment method in the billing portal instead of subscribing again`,
    );
  }
  const customer = await ensureCustomer(s, user, ctx.customerId);

  const previous = ctx.openSessionId ? await retrieveSession(s, ctx.openSessionId) : null;
  if (previous?.status === "complete" && !(await isMirrored(s, previous))) {
    // Paid, but not in the database yet: a second payment would charge twice.
    throw new ApiError(
      409,
      previous.mode === "payment" ? "already_owned" : "already_subscribed",
      "Your payment is being confirmed: your access unlocks in a moment",
    );
  }
  const sameRequest =
    previous?.metadata?.price_id === priceId &&
    (previous.metadata?.locale ?? "") === (locale ?? "") &&
    (previous.metadata?.currency ?? "") === currency;
  if (previous?.status === "open" && previous.url && sameRequest) return { url: previous.url, id: previous.id };

  const window = Math.floor(Date.now() / SESSION_WINDOW_MS);
  const common = {
    customer,
    client_reference_id: user.id,
    line_items: [{ price: priceId, quantity: 1 }],
    metadata: { user_id: user.id, price_id: priceId, locale: locale ?? "", currency },
    success_url: `${s.config.APP_URL}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${s.config.APP_URL}/?checkout=canceled`,
    currency,
    ...(locale ? { locale } : {}),
    ...taxParams(s.config.STRIPE_AUTOMATIC_TAX === "true"),
  } satisfies Stripe.Checkout.SessionCreateParams;
  const params: Stripe.Checkout.SessionCreateParams = oneTime
    ? { ...common, mode: "payment", payment_intent_data: { metadata: { user_id: user.id } } }
    : {
        ...common,
        mode: "subscription",
        subscription_data: {
          metadata: { user_id: user.id },
          // A trial (first-timers only) needs no card up front: without one it ends in cancel.
          ...(ctx.price.trialPeriodDays
            ? {
                trial_period_days: ctx.price.trialPeriodDays,
                trial_settings: { end_behavior: { missing_payment_method: "cancel" } },
              }
            : {}),
        },
        ...(ctx.price.trialPeriodDays ? { payment_method_collection: "if_required" } : {}),
        allow_promotion_codes: true,
      };
  const created = await withKeyRace(() =>
    stripeCall("checkout.sessions.create", () =>
      s.stripe.checkout.sessions.create(params, {
        // The trial is part of the request: a former trialer gets a session of its own, never a replay.
        idempotencyKey: `gatehouse-checkout-${user.id}-${priceId}-${locale ?? ""}-${currency}-t${ctx.price?.trialPeriodDays ?? 0}-${window}`,
      }),
    ),
  );
  // A replay answers with the session as it was first created: read what it is now.
  let session: Stripe.Checkout.Session = wasReplayed(created)
    ? ((await retrieveSession(s, created.id)) ?? created)
    : created;
  if (session.status !== "open") {
    // The window's key replayed a session that is paid or expired since: open a fresh one, under a
    // key of its own so a replay can never hand out a closed session.
    session = await stripeCall("checkout.sessions.create", () =>
      s.stripe.checkout.sessions.create(params, { idempotencyKey: `gatehouse-checkout-${crypto.randomUUID()}` }),
    );
  }
  // One open session per user: record ours unless another request recorded its own meanwhile.
  const winner = await callRpc(s.db, "claim_checkout_session", {
    p_user_id: user.id,
    p_session_id: session.id,
    p_previous: ctx.openSessionId,
  });
  if (winner === session.id) {
    // Two plans in two tabs must never both be payable: close the one this replaces.
    if (previous?.status === "open" && previous.id !== session.id) await expireSession(s, previous.id);
  } else if (winner) {
    const other = await retrieveSession(s, winner);
    if (other?.status === "open" && other.url) {
      await expireSession(s, session.id);
      return { url: other.url, id: other.id };
    }
  }
  if (!session.url) throw new ApiError(503, "upstream_unavailable", "Stripe returned a Checkout Session without a URL");
  return { url: session.url, id: session.id };
}

/** The currency asked for, checked against the price's; a 400 naming it and the ones on offer. */
export function chosenCurrency(price: { id: string; currencies: string[] }, asked: string | undefined): string {
  const own = price.currencies[0] ?? "eur";
  if (asked === undefined) return own;
  const currency = asked.toLowerCase();
  if (!price.currencies.includes(currency))
    throw new ApiError(
      400,
      "invalid_currency",
      `This price is not sold in ${asked.toUpperCase()}: choose one of ${price.currencies.map((c) => c.toUpperCase()).join(", ")}`,
    );
  return currency;
}

/**
 * Stripe Tax (STRIPE_AUTOMATIC_TAX=true): Checkout collects the billing address, and a VAT or tax
 * ID, saves both on the customer, and adds or includes the tax the buyer's country owes.
 */
function taxParams(enabled: boolean) {
  if (!enabled) return {};
  return {
    automatic_tax: { enabled: true },
    billing_address_collection: "required",
    customer_update: { address: "auto", name: "auto" },
    tax_id_collection: { enabled: true },
  } as const;
}
