// The one sync: re-read every subscription and one-time purchase of a customer from Stripe and
// write them with the derived entitlement (the queue consumer skips the purchases when they cannot
// have changed: readsPurchases in @gatehouse/billing). Webhooks, the success page and the cron all
// come here, so no path ever trusts an event's copy of a subscription or a payment.
import { type PurchaseReadInput, readsPurchases } from "@gatehouse/billing";
import { isUuid, type Tables } from "@gatehouse/types";
import { jsonArg } from "@gatehouse/types/db-functions";
import type Stripe from "stripe";
import { UpstreamError } from "../errors.ts";
import { callRpc, DbError } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";
import { endSubscriptionsOfOwner, readPurchases } from "./sync-purchases.ts";

const MAX_PAGES = 20;

/** Every subscription of the customer, whatever its status; [] for a customer Stripe does not know. */
export async function listAllSubscriptions(stripe: Stripe, customer: string): Promise<Stripe.Subscription[]> {
  const all: Stripe.Subscription[] = [];
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res: Stripe.ApiList<Stripe.Subscription>;
    try {
      res = await stripeCall("subscriptions.list", () =>
        stripe.subscriptions.list({
          customer,
          status: "all",
          limit: 100,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
    } catch (e) {
      if (isMissingStripeObject(e)) return [];
      throw e;
    }
    if (!Array.isArray(res.data)) throw new UpstreamError("stripe", "subscriptions.list returned no list");
    all.push(...res.data);
    const last = res.data.at(-1);
    if (!res.has_more || !last) break;
    startingAfter = last.id;
  }
  return all;
}

/**
 * Replaces each live subscription's `schedule` id by the schedule itself, so the database sees the
 * scheduled change (the phase after the current period). A schedule Stripe no longer has is dropped.
 */
export async function withSchedules(stripe: Stripe, subs: Stripe.Subscription[]): Promise<Stripe.Subscription[]> {
  return Promise.all(
    subs.map(async (sub) => {
      const id = typeof sub.schedule === "string" ? sub.schedule : null;
      if (!id || sub.status === "canceled" || sub.status === "incomplete_expired") return sub;
      try {
        const schedule = await stripeCall("subscriptionSchedules.retrieve", () =>
          stripe.subscriptionSchedules.retrieve(id),
        );
        return { ...sub, schedule };
      } catch (e) {
        if (isMissingStripeObject(e)) return { ...sub, schedule: null };
        throw e;
      }
    }),
  );
}

/** Binds a Stripe customer Gatehouse created (metadata.user_id) but never recorded; false if it is not ours. */
async function bindFromMetadata(s: Services, customerId: string): Promise<boolean> {
  let customer: Stripe.Customer | Stripe.DeletedCustomer;
  try {
    customer = await stripeCall("customers.retrieve", () => s.stripe.customers.retrieve(customerId));
  } catch (e) {
    if (isMissingStripeObject(e)) return false;
    throw e;
  }
  const userId = "deleted" in customer && customer.deleted ? null : (customer as Stripe.Customer).metadata?.user_id;
  if (!userId || !isUuid(userId)) return false;
  try {
    await callRpc(s.db, "bind_customer", { p_user_id: userId, p_customer_id: customerId });
    return true;
  } catch (e) {
    // 23503: no such user; 23505: the customer is bound to someone else. Either way, not ours to sync.
    if (e instanceof DbError && (e.code === "23503" || e.code === "23505")) return false;
    throw e;
  }
}

/**
 * Why a sync runs, recorded in the access history (public.entitlement_changes) when it changes the
 * user's access. `webhook` becomes `webhook:<type>` of the latest of the sync's ledger events.
 */
export type ChangeCauseKind =
  | "webhook"
  | "checkout_sync"
  | "cron"
  | "plan_change"
  | "admin_resync"
  | "replay"
  | "doctor";

export interface ChangeCause {
  cause: ChangeCauseKind;
  /** The ledger event behind the change (a replay names the replayed event). */
  eventId?: string;
  /** Who asked: the admin's or the user's id; none for Stripe and the cron. */
  actor?: string;
}

/**
 * Syncs one customer now. Returns the user's entitlement, or null when the customer belongs to
 * no Gatehouse user. eventIds (the ledger events that asked for it, however many) are marked
 * processed in the same transaction as the sync, with the customer's other events received before
 * the read began.
 */
export async function syncCustomer(
  s: Services,
  customerId: string,
  eventIds: readonly string[] = [],
  why: ChangeCause = { cause: eventIds.length > 0 ? "webhook" : "cron" },
  /** What decides whether the purchases are re-read (readsPurchases); none: they are. */
  purchaseFacts?: Omit<PurchaseReadInput, "cause">,
): Promise<Tables<"entitlements"> | null> {
  const snapshotAt = new Date().toISOString();
  const withPurchases = purchaseFacts ? readsPurchases({ cause: why.cause, ...purchaseFacts }) : true;
  // Both reads at once (one Stripe round trip less on the success page's sync and every webhook's).
  // A lifetime owner's renewing subscriptions are then set to end, and listed again if any was.
  let [purchases, listed] = await Promise.all([
    withPurchases ? readPurchases(s.stripe, customerId) : Promise.resolve([]),
    listAllSubscriptions(s.stripe, customerId),
  ]);
  if (purchases.some((p) => p.status === "paid") && (await endSubscriptionsOfOwner(s.stripe, listed)).length > 0)
    listed = await listAllSubscriptions(s.stripe, customerId);
  const subscriptions = await withSchedules(s.stripe, listed);
  // The purchases are written (and the entitlement recomputed) before sync_customer_events marks
  // the events processed: if this fails, the events stay unprocessed and are retried. Their own
  // transaction declares the same cause, so a change of access they make (a purchase, a refund, a
  // dispute) is in the access history with its event, like a subscription's.
  const caused = {
    p_customer_id: customerId,
    p_snapshot_at: snapshotAt,
    p_event_ids: eventIds,
    p_cause: why.cause,
    p_event_id: why.eventId ?? null,
    p_actor: why.actor ?? null,
  };
  const writePurchases = () => callRpc(s.db, "sync_purchases_caused", { ...caused, p_purchases: jsonArg(purchases) });
  // One transaction: the sync, the events that asked for it, every event of this customer
  // received before the read began (the read answers them too), and the access history.
  const write = () =>
    callRpc(s.db, "sync_customer_caused", {
      ...caused,
      p_subscriptions: jsonArg(subscriptions),
      // Unread purchases: the customer's payment events stay unprocessed for a sync that reads them.
      p_purchases_read: withPurchases,
    });
  try {
    if (purchases.length > 0) await writePurchases();
    return await write();
  } catch (e) {
    if (!(e instanceof DbError && e.code === "P0002")) throw e;
    if (!(await bindFromMetadata(s, customerId))) return null;
    if (purchases.length > 0) await writePurchases();
    return await write();
  }
}
