// POST /api/checkout: one Stripe customer per user, at most one open Checkout Session per user.
import type { CheckoutResponse, Locale } from "@gatehouse/types";
import type { DbFunctionArgs, DbFunctionResult } from "@gatehouse/types/db-functions";
import Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError, UpstreamError } from "../errors.ts";
import { callRpc, selectOne } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, isRetryableStripeError, stripeCall } from "./stripe-errors.ts";
import { jittered, retryAfterSeconds, sleep } from "./waits.ts";

export interface CheckoutOptions {
  locale?: Locale | undefined;
  /** ISO code (any case) of one of the price's currencies; default: the price's own. */
  currency?: string | undefined;
}

/** Sessions opened within one window share an idempotency key, so double clicks get one session. */
const SESSION_WINDOW_MS = 10 * 60_000;

/**
 * Retries a Stripe call that lost a race on its idempotency key (409 while the first is in flight).
 * It wraps the SDK call itself, inside stripeCall: stripeCall turns a 409 into an UpstreamError.
 */
async function withKeyRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const inFlight =
        e instanceof Stripe.errors.StripeIdempotencyError ||
        (e instanceof Stripe.errors.StripeError && e.statusCode === 409);
      // The first request may take a while on a busy Stripe: about 4 s in all before giving up.
      if (!inFlight || attempt >= 8) throw e;
      await sleep(100 * (attempt + 1));
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

/** How long a checkout lease lasts unless released or renewed: the time a holder that died blocks. */
const LEASE_SECONDS = 30;
/** How long a request waits for another checkout of the same user before answering 503. */
const LEASE_WAIT_MS = 25_000;
/** Waits between tries of an expire that Stripe could not do now (429, lock_timeout, 5xx). */
const EXPIRE_RETRY_WAITS_MS = [250, 500, 1000, 2000, 3000];

/** Stripe's Retry-After, in ms (at most 10 s), when its answer carried one. */
function retryAfterMs(e: unknown): number | null {
  const headers =
    e instanceof Stripe.errors.StripeError ? (e.headers as Record<string, string> | undefined) : undefined;
  const seconds = retryAfterSeconds(headers?.["retry-after"] ?? headers?.["Retry-After"]);
  return seconds === null ? null : Math.min(seconds * 1000, 10_000);
}

/**
 * Closes an open session so it can no longer be paid. Stripe answers that cannot do it now (429 rate
 * limit or lock_timeout, 5xx, no connection) are retried, waiting what Retry-After says when given;
 * still failing, it is a 503 upstream_unavailable: the caller opens nothing and the session stays
 * the user's one open session. A session paid meanwhile is a 409: a new one would charge twice.
 */
async function closeSession(s: Services, session: Stripe.Checkout.Session): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await s.stripe.checkout.sessions.expire(session.id);
      return;
    } catch (e) {
      if (isRetryableStripeError(e)) {
        const wait = EXPIRE_RETRY_WAITS_MS[attempt];
        if (wait === undefined)
          throw new UpstreamError(
            "stripe",
            `checkout.sessions.expire ${session.id}: ${e instanceof Error ? e.message : String(e)}`,
          );
        await sleep(retryAfterMs(e) ?? jittered(wait));
        continue;
      }
      // Refused (400): it is no longer open. Expired is what we wanted; paid means the user subscribed.
      const now = await retrieveSession(s, session.id);
      if (!now || now.status === "expired") return;
      if (now.status === "complete") throw paymentBeingConfirmed(now);
      throw e;
    }
  }
}

function paymentBeingConfirmed(session: Stripe.Checkout.Session): ApiError {
  // Paid, but not in the database yet: a second payment would charge twice.
  return new ApiError(
    session.mode === "payment" ? "already_owned" : "already_subscribed",
    "Your payment is being confirmed: your access unlocks in a moment",
  );
}

/** Every open Checkout Session of the customer, as Stripe has them now. */
async function openSessionsOf(s: Services, customer: string): Promise<Stripe.Checkout.Session[]> {
  const open: Stripe.Checkout.Session[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripeCall("checkout.sessions.list", () =>
      s.stripe.checkout.sessions.list({
        customer,
        status: "open",
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      }),
    );
    open.push(...page.data);
    const last = page.data.at(-1);
    if (!page.has_more || !last) return open;
    startingAfter = last.id;
  }
}

/** A lease RPC, tried again when the database could not be reached (a lost connection under load). */
async function leaseRpc<F extends "take_checkout_lease" | "release_checkout_lease">(
  s: Services,
  fn: F,
  args: DbFunctionArgs<F>,
): Promise<DbFunctionResult<F>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await callRpc(s.db, fn, args);
    } catch (e) {
      if (!(e instanceof UpstreamError) || attempt >= 3) throw e;
      await sleep(100 * 3 ** attempt);
    }
  }
}

interface Lease {
  token: string;
  /** The session recorded as the user's open one when the lease was taken. */
  recordedId: string | null;
}

/**
 * Takes the user's checkout lease: while a request holds it, no other request opens or closes a
 * Checkout Session for this user. Waits for a concurrent holder (a double click, a second tab); if
 * that holder records a session meanwhile (one other than `seen`, the session this request read
 * first) and it is open, the race is lost: that session is the answer and no lease is taken. 503
 * after LEASE_WAIT_MS.
 */
async function takeLease(
  s: Services,
  userId: string,
  seen: string | null,
): Promise<{ lease: Lease } | { winner: Stripe.Checkout.Session }> {
  const token = crypto.randomUUID();
  const deadline = Date.now() + LEASE_WAIT_MS;
  let looked: string | null = null;
  for (let attempt = 0; ; attempt++) {
    const got = await leaseRpc(s, "take_checkout_lease", {
      p_user_id: userId,
      p_token: token,
      p_seconds: LEASE_SECONDS,
    });
    if (got.taken) return { lease: { token, recordedId: got.openSessionId } };
    if (got.openSessionId && got.openSessionId !== seen && got.openSessionId !== looked) {
      looked = got.openSessionId;
      const winner = await retrieveSession(s, got.openSessionId);
      if (winner?.status === "open" && winner.url) return { winner };
    }
    if (Date.now() >= deadline)
      throw new ApiError("upstream_unavailable", "Another checkout of this user held the lease too long");
    await sleep(jittered(Math.min(25 * 2 ** attempt, 250)));
  }
}

/** Renews the lease right before a session is opened, so the holder still holds it when it records. */
async function renewLease(s: Services, userId: string, lease: Lease): Promise<void> {
  const got = await leaseRpc(s, "take_checkout_lease", {
    p_user_id: userId,
    p_token: lease.token,
    p_seconds: LEASE_SECONDS,
  });
  if (!got.taken) throw new ApiError("upstream_unavailable", "The checkout lease ran out before a session was opened");
}

/** Ends the lease, recording sessionId (if given) as the user's open session; false if the lease was lost. */
function releaseLease(s: Services, userId: string, lease: Lease, sessionId: string | null): Promise<boolean> {
  return leaseRpc(s, "release_checkout_lease", {
    p_user_id: userId,
    p_token: lease.token,
    ...(sessionId ? { p_session_id: sessionId } : {}),
  });
}

async function ensureCustomer(s: Services, user: AuthUser, existing: string | null): Promise<string> {
  if (existing) return existing;
  // The key makes concurrent first checkouts of one user create a single Stripe customer.
  const customer = await stripeCall("customers.create", () =>
    withKeyRace(() =>
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
  if (!ctx.userExists) throw new ApiError("unauthenticated", "This account no longer exists: sign in again");
  if (!ctx.price) {
    throw new ApiError("invalid_price", `Price ${priceId} is not an active price of a Gatehouse product`);
  }
  const oneTime = ctx.price.type === "one_time";
  const currency = chosenCurrency(ctx.price, opts.currency);
  if (ctx.ownedPurchaseId) {
    throw new ApiError(
      "already_owned",
      oneTime
        ? "You already own lifetime access: there is nothing more to buy"
        : "You own lifetime access: a subscription would only charge you for what you have",
    );
  }
  if (oneTime) {
    // A subscriber may buy lifetime access: their subscription is then set to end at period end.
  } else if (ctx.hasAccess) {
    throw new ApiError("already_subscribed", "You already have access: manage your plan in the billing portal");
  } else if (ctx.openSubscriptionStatus) {
    // past_due, unpaid, paused: no access, but a second subscription would charge twice.
    throw new ApiError(
      "already_subscribed",
      `Your subscription is ${ctx.openSubscriptionStatus.replace("_", " ")}: update your payment method in the billing portal instead of subscribing again`,
    );
  }
  const customer = await ensureCustomer(s, user, ctx.customerId);

  const matches = (session: Stripe.Checkout.Session) =>
    session.metadata?.price_id === priceId &&
    (session.metadata?.locale ?? "") === (locale ?? "") &&
    (session.metadata?.currency ?? "") === currency;
  const previous = ctx.openSessionId ? await retrieveSession(s, ctx.openSessionId) : null;
  if (previous?.status === "complete" && !(await isMirrored(s, previous))) throw paymentBeingConfirmed(previous);
  // A double click: the session this user last opened, for this very request, is still open.
  if (previous?.status === "open" && previous.url && matches(previous)) return { url: previous.url, id: previous.id };

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
    ? {
        ...common,
        mode: "payment",
        payment_intent_data: { metadata: { user_id: user.id } },
        // Stripe's post-payment invoice: the purchase is listed in the portal's invoice history.
        invoice_creation: {
          enabled: true,
          invoice_data: {
            description: locale === "fr" ? "Achat unique sur Gatehouse" : "One-time purchase on Gatehouse",
            metadata: { user_id: user.id, price_id: priceId },
          },
        },
      }
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
  // The trial is part of the request: a former trialer gets a session of its own, never a replay.
  const idempotencyKey = `gatehouse-checkout-${user.id}-${priceId}-${locale ?? ""}-${currency}-t${ctx.price?.trialPeriodDays ?? 0}-${window}`;

  // One open session per user, whatever Stripe answers: sessions are opened and closed only under the
  // user's lease, and every other open session is closed before a new one is opened.
  const taken = await takeLease(s, user.id, ctx.openSessionId);
  if ("winner" in taken) return { url: taken.winner.url ?? "", id: taken.winner.id };
  const { lease } = taken;
  let kept: Stripe.Checkout.Session | null = null;
  try {
    const open = await openSessionsOf(s, customer);
    const recorded = lease.recordedId ? (open.find((o) => o.id === lease.recordedId) ?? null) : null;
    if (lease.recordedId && !recorded) {
      const closed = lease.recordedId === previous?.id ? previous : await retrieveSession(s, lease.recordedId);
      if (closed?.status === "complete" && !(await isMirrored(s, closed))) throw paymentBeingConfirmed(closed);
    }
    if (recorded?.url && lease.recordedId !== ctx.openSessionId) {
      // A concurrent request (another tab, another plan) opened and recorded its session after this
      // one read the context: that request won, its session is handed out, none is opened.
      kept = recorded;
    } else {
      kept = (recorded && matches(recorded) ? recorded : null) ?? open.find((o) => matches(o) && o.url) ?? null;
    }
    // Close every other open session (the other plan's, or one a request that died left behind)
    // before opening one: if Stripe will not close it, this request fails and it stays the only one.
    for (const other of open) if (other.id !== kept?.id) await closeSession(s, other);
    if (!kept) {
      await renewLease(s, user.id, lease);
      kept = await openSession(s, params, idempotencyKey);
    }
  } catch (e) {
    await releaseLease(s, user.id, lease, null).catch(() => undefined);
    throw e;
  }
  if (!(await releaseLease(s, user.id, lease, kept.id))) {
    // The lease ran out while this request worked: another request may have opened a session meanwhile.
    await closeSession(s, kept).catch(() => undefined);
    throw new ApiError("upstream_unavailable", "The checkout lease ran out before the session was recorded");
  }
  if (!kept.url) throw new ApiError("upstream_unavailable", "Stripe returned a Checkout Session without a URL");
  return { url: kept.url, id: kept.id };
}

/** Opens a session under the window's key (double clicks share one); never hands out a closed one. */
async function openSession(
  s: Services,
  params: Stripe.Checkout.SessionCreateParams,
  idempotencyKey: string,
): Promise<Stripe.Checkout.Session> {
  const created = await stripeCall("checkout.sessions.create", () =>
    withKeyRace(() => s.stripe.checkout.sessions.create(params, { idempotencyKey })),
  );
  // A replay answers with the session as it was first created: read what it is now.
  const session: Stripe.Checkout.Session = wasReplayed(created)
    ? ((await retrieveSession(s, created.id)) ?? created)
    : created;
  if (session.status === "open") return session;
  // The window's key replayed a session that is paid or expired since: open a fresh one, under a
  // key of its own so a replay can never hand out a closed session.
  return stripeCall("checkout.sessions.create", () =>
    s.stripe.checkout.sessions.create(params, { idempotencyKey: `gatehouse-checkout-${crypto.randomUUID()}` }),
  );
}

/** The currency asked for, checked against the price's; a 400 naming it and the ones on offer. */
export function chosenCurrency(price: { id: string; currencies: string[] }, asked: string | undefined): string {
  const own = price.currencies[0] ?? "eur";
  if (asked === undefined) return own;
  const currency = asked.toLowerCase();
  if (!price.currencies.includes(currency))
    throw new ApiError(
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
