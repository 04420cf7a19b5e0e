// When a sync re-reads the customer's one-time purchases from Stripe (checkout.sessions.list, then
// each paid session's payment): about half of a storm's Stripe calls went there for customers who
// never bought anything. Pure; the ledger's side of the same rule is billing.may_concern_purchases
// (SQL), which keeps such events unprocessed for a sync that did read the purchases.

/** Event type prefixes that can concern a one-time purchase: the payment, refunds, disputes. */
export const PAYMENT_EVENT_PREFIXES = ["checkout.session.", "charge.", "payment_intent.", "refund."] as const;

/**
 * Can this event change a one-time purchase? Checkout sessions only in payment mode (a subscription
 * checkout is read through the subscriptions); a session of unknown mode counts, to be safe.
 */
export function isPaymentEvent(type: string, object: unknown): boolean {
  if (!PAYMENT_EVENT_PREFIXES.some((p) => type.startsWith(p))) return false;
  if (!type.startsWith("checkout.session.")) return true;
  const mode = typeof object === "object" && object !== null ? (object as { mode?: unknown }).mode : undefined;
  return mode !== "subscription";
}

export interface PurchaseReadInput {
  /** Why the sync runs (the API's ChangeCauseKind): only "webhook" (the queue consumer) may skip. */
  cause: string;
  /**
   * The database already holds purchases of this customer (a refund, a dispute or a lifetime
   * owner's new subscription may concern them).
   */
  hasPurchases: boolean;
  /** The sync answers at least one payment event of the customer (isPaymentEvent). */
  paymentEvent: boolean;
}

/**
 * Does this sync re-read the purchases? Always, except for webhook syncs (the queue consumer) of a
 * customer with no purchase on record and no payment event among those it answers: a purchase or
 * a refund always comes with a payment event, and the ledger keeps that one for a sync that reads.
 * People, the cron, replays and the doctor ask for everything.
 */
export function readsPurchases({ cause, hasPurchases, paymentEvent }: PurchaseReadInput): boolean {
  if (cause !== "webhook") return true;
  return hasPurchases || paymentEvent;
}
