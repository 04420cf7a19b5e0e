// POST /api/checkout: one Stripe customer per user, at most one open Checkout Session per user.
import type { CheckoutResponse, Locale } from "@gatehouse/types";
import Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { callRpc, selectOne } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";

interface CheckoutContext {
  price: { id: string; trialPeriodDays: number | null } | null;
  /** False for a deleted user whose token has not expired yet: nothing may be created for them. */
  userExists: boolean;
  customerId: string | null;
  /** The Checkout Session this user last opened (open, paid or expired since). */
  openSessionId: string | null;
  hasAccess: boolean;
  /** The best status among the user's subscriptions that are not over (past_due, unpaid, … included). */
  openSubscriptionStatus: string | null;
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
async function isMirrored(s: Services, subscription: string | Stripe.Subscription | null): Promise<boolean> {
  const id = typeof subscription === "string" ? subscription : subscription?.id;
  if (!id) return false;
  return (await selectOne(s.db, "subscriptions", "id", "id", id)) !== null;
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
  return callRpc<string>(s.db, "bind_customer", { p_user_id: user.id, p_customer_id: customer.id });
}

export async function startCheckout(
  s: Services,
  user: AuthUser,
  priceId: string,
  locale?: Locale,
): Promise<CheckoutResponse> {
  const ctx = await callRpc<CheckoutContext>(s.db, "checkout_context", { p_user_id: user.id, p_price_id: priceId });
  if (!ctx.userExists) throw new ApiError(401, "unauthenticated", "This account no longer exists: sign in again");
  if (!ctx.price) {
    throw new ApiError(
      400,
      "invalid_price",
      `Price ${priceId} is not an active subscription price of a Gatehouse product`,
    );
  }
  if (ctx.hasAccess) {
    throw new ApiError(409, "already_subscribed", "You already have access: manage your plan in the billing portal");
  }
  if (ctx.openSubscriptionStatus) {
    // past_due, unpaid, paused: no access, but a second subscription would charge twice.
    throw new ApiError(
      409,
      "already_subscribed",
      `Your subscription is ${ctx.openSubscriptionStatus.replace("_", " ")}: update your payment method in the billing portal instead of subscribing again`,
    );
  }
  const customer = await ensureCustomer(s, user, ctx.customerId);

  const previous = ctx.openSessionId ? await retrieveSession(s, ctx.openSessionId) : null;
  if (previous?.status === "complete" && !(await isMirrored(s, previous.subscription))) {
    // Paid, but its subscription has not reached the database yet: a second one would charge twice.
    throw new ApiError(409, "already_subscribed", "Your payment is being confirmed: your access unlocks in a moment");
  }
  const sameRequest = previous?.metadata?.price_id === priceId && (previous.metadata?.locale ?? "") === (locale ?? "");
  if (previous?.status === "open" && previous.url && sameRequest) return { url: previous.url, id: previous.id };

  const window = Math.floor(Date.now() / SESSION_WINDOW_MS);
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: "subscription",
    customer,
    client_reference_id: user.id,
    line_items: [{ price: priceId, quantity: 1 }],
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
    metadata: { user_id: user.id, price_id: priceId, locale: locale ?? "" },
    success_url: `${s.config.APP_URL}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${s.config.APP_URL}/?checkout=canceled`,
    allow_promotion_codes: true,
    ...(locale ? { locale } : {}),
  };
  const created = await withKeyRace(() =>
    stripeCall("checkout.sessions.create", () =>
      s.stripe.checkout.sessions.create(params, {
        // The trial is part of the request: a former trialer gets a session of its own, never a replay.
        idempotencyKey: `gatehouse-checkout-${user.id}-${priceId}-${locale ?? ""}-t${ctx.price?.trialPeriodDays ?? 0}-${window}`,
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
  const winner = await callRpc<string | null>(s.db, "claim_checkout_session", {
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
  if (!session.url) throw new ApiError(502, "upstream_unavailable", "Stripe returned a Checkout Session without a URL");
  return { url: session.url, id: session.id };
}
