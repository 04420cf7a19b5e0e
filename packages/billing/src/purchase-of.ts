// What a paid one-time Checkout is worth, from Stripe's own objects. Pure: sync-purchases.ts reads
// them, this decides. A purchase grants its product for good, until it is refunded in full or a
// dispute on its charge is lost (an open dispute, a won one or a partial refund change nothing).
import type Stripe from "stripe";

export type PurchaseStatus = "paid" | "refunded" | "disputed";

/** A row for public.sync_purchases (camelCase keys, as the SQL function reads them). */
export interface PurchaseFacts {
  id: string;
  status: PurchaseStatus;
  priceId: string | null;
  productId: string | null;
  amount: number;
  amountTax: number;
  amountRefunded: number;
  currency: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  receiptUrl: string | null;
  createdAt: string;
}

const idOf = (v: string | { id: string } | null | undefined): string | null =>
  typeof v === "string" ? v : (v?.id ?? null);

/** paid → refunded (in full) → disputed (lost): a full refund wins over a later lost dispute. */
export function purchaseStatus(
  charge: Pick<Stripe.Charge, "amount" | "amount_refunded" | "refunded">,
  disputes: ReadonlyArray<Pick<Stripe.Dispute, "status">>,
): PurchaseStatus {
  if (charge.refunded || charge.amount_refunded >= charge.amount) return "refunded";
  if (disputes.some((d) => d.status === "lost")) return "disputed";
  return "paid";
}

/**
 * The purchase a Checkout Session stands for, or null when it is not a paid one-time payment
 * (subscription sessions, open or expired ones, a payment intent without a successful charge).
 */
export function purchaseOf(
  session: Pick<
    Stripe.Checkout.Session,
    "id" | "mode" | "status" | "payment_status" | "currency" | "amount_total" | "total_details" | "created" | "metadata"
  >,
  intent: Pick<Stripe.PaymentIntent, "id" | "status" | "amount_received" | "currency"> | null,
  charge: Pick<
    Stripe.Charge,
    "id" | "amount" | "amount_refunded" | "refunded" | "paid" | "status" | "receipt_url" | "currency"
  > | null,
  disputes: ReadonlyArray<Pick<Stripe.Dispute, "status">>,
  price: { id: string; product: string | { id: string } } | null,
): PurchaseFacts | null {
  if (session.mode !== "payment" || session.status !== "complete" || session.payment_status !== "paid") return null;
  if (intent?.status !== "succeeded" || !charge?.paid || charge.status !== "succeeded") return null;
  return {
    id: session.id,
    status: purchaseStatus(charge, disputes),
    priceId: price?.id ?? session.metadata?.price_id ?? null,
    productId: price ? idOf(price.product) : null,
    amount: charge.amount,
    amountTax: session.total_details?.amount_tax ?? 0,
    amountRefunded: charge.amount_refunded,
    currency: charge.currency,
    paymentIntentId: intent.id,
    chargeId: charge.id,
    receiptUrl: charge.receipt_url,
    createdAt: new Date(session.created * 1000).toISOString(),
  };
}
