// POST /api/billing/sync: the caller's own sync, optionally proven by a Checkout Session id.
import type { EntitlementView, Tables } from "@gatehouse/types";
import type Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { selectOne } from "./call-rpc.ts";
import { customerIdOf } from "./customer-id-of.ts";
import { accessIsCurrent, ENTITLEMENT_COLUMNS, toEntitlementView } from "./entitlement-view.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";
import { type ChangeCause, syncCustomer } from "./sync-customer.ts";

export function readEntitlement(s: Services, userId: string): Promise<Tables<"entitlements"> | null> {
  return selectOne(s.db, "entitlements", ENTITLEMENT_COLUMNS, "user_id", userId);
}

/** The Checkout Session, if it is this user's (404 session_not_found, 403 session_not_yours otherwise). */
async function sessionOf(s: Services, user: AuthUser, sessionId: string): Promise<Stripe.Checkout.Session> {
  let session: Stripe.Checkout.Session;
  try {
    session = await stripeCall("checkout.sessions.retrieve", () => s.stripe.checkout.sessions.retrieve(sessionId));
  } catch (e) {
    if (isMissingStripeObject(e)) throw new ApiError("session_not_found", `No Checkout Session ${sessionId}`);
    throw e;
  }
  const owner = session.client_reference_id ?? session.metadata?.user_id ?? null;
  if (owner !== user.id) throw new ApiError("session_not_yours", "This Checkout Session belongs to another account");
  return session;
}

/** Checkout bound this customer already; syncCustomer binds it from metadata.user_id if not. */
function customerOf(session: Stripe.Checkout.Session): string | null {
  return typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
}

/**
 * Has a sync already written what this paid subscription Checkout Session did? True when the
 * user's access is current and comes from the session's own subscription: a sync (the checkout's
 * webhooks, which usually arrive before the success page's request) has re-read it from Stripe
 * after the payment, so re-reading every subscription and purchase again would write nothing new.
 */
export function sessionAlreadySynced(
  session: Pick<Stripe.Checkout.Session, "mode" | "status" | "subscription">,
  row: Tables<"entitlements"> | null,
  now = Date.now(),
): boolean {
  if (!row || session.mode !== "subscription" || session.status !== "complete") return false;
  const subscription = typeof session.subscription === "string" ? session.subscription : session.subscription?.id;
  return !!subscription && row.subscription_id === subscription && accessIsCurrent(row, now);
}

/**
 * The caller's sync. With a Checkout Session id (the success page): the session is read from
 * Stripe and, at the same time, the user's entitlement and bound customer from the database.
 * - No current access (a first checkout, the common case): nothing can have synced this session
 *   yet, so the bound customer's sync starts at once, while Stripe answers about the session (one
 *   Stripe round trip less); it is the answer once the session proves to be this user's, for this
 *   customer (a session of another customer is synced as before).
 * - Access already current: if a sync already wrote the session's subscription
 *   (sessionAlreadySynced), that entitlement is the answer (one Stripe call and two reads instead of
 *   three calls and a write); otherwise the session's customer is synced.
 * The session's owner is checked either way before anything is answered; the early sync only ever
 * re-reads the caller's own customer, as a sync without a session id does.
 */
export async function syncUser(s: Services, user: AuthUser, sessionId?: string): Promise<EntitlementView> {
  const why: ChangeCause = { cause: "checkout_sync", actor: user.id };
  if (!sessionId) {
    const customer = await customerIdOf(s, user.id);
    if (!customer) return toEntitlementView(await readEntitlement(s, user.id));
    return toEntitlementView(await syncCustomer(s, customer, [], why));
  }
  const session = sessionOf(s, user, sessionId);
  session.catch(() => undefined); // awaited below
  const [row, bound] = await Promise.all([readEntitlement(s, user.id), customerIdOf(s, user.id)]);
  const early = bound && !(row && accessIsCurrent(row, Date.now())) ? syncCustomer(s, bound, [], why) : null;
  early?.catch(() => undefined); // awaited below unless the session is refused
  const paid = await session;
  const customer = customerOf(paid);
  if (!customer) return toEntitlementView(row);
  if (early && customer === bound) return toEntitlementView(await early);
  if (sessionAlreadySynced(paid, row)) return toEntitlementView(row);
  return toEntitlementView(await syncCustomer(s, customer, [], why));
}
