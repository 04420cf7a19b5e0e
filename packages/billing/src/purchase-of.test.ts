import { describe, expect, it } from "vitest";
import { purchaseOf, purchaseStatus } from "./purchase-of.ts";

describe("purchaseStatus", () => {
  it.each([
    ["paid, nothing else", { amount: 1000, amount_refunded: 0, refunded: false }, [], "paid"],
    ["partial refund", { amount: 1000, amount_refunded: 400, refunded: false }, [], "paid"],
    ["full refund", { amount: 1000, amount_refunded: 1000, refunded: true }, [], "refunded"],
    ["refunded flag", { amount: 1000, amount_refunded: 1000, refunded: true }, [{ status: "won" }], "refunded"],
    ["open dispute", { amount: 1000, amount_refunded: 0, refunded: false }, [{ status: "needs_response" }], "paid"],
    ["won dispute", { amount: 1000, amount_refunded: 0, refunded: false }, [{ status: "won" }], "paid"],
    ["lost dispute", { amount: 1000, amount_refunded: 0, refunded: false }, [{ status: "lost" }], "disputed"],
    [
      "won after a partial refund",
      { amount: 1000, amount_refunded: 300, refunded: false },
      [{ status: "won" }],
      "paid",
    ],
    [
      "full refund then a lost dispute",
      { amount: 1000, amount_refunded: 1000, refunded: true },
      [{ status: "lost" }],
      "refunded",
    ],
  ] as const)("%s → %s", (_name, charge, disputes, expected) => {
    expect(purchaseStatus(charge, disputes)).toBe(expected);
  });
});

describe("purchaseOf", () => {
  const session = {
    id: "cs_test_1",
    mode: "payment" as const,
    status: "complete" as const,
    payment_status: "paid" as const,
    currency: "eur",
    amount_total: 19900,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 3317 },
    created: 1_800_000_000,
    metadata: { price_id: "price_life" },
  };
  const intent = { id: "pi_1", status: "succeeded" as const, amount_received: 19900, currency: "eur" };
  const charge = {
    id: "ch_1",
    amount: 19900,
    amount_refunded: 0,
    refunded: false,
    paid: true,
    status: "succeeded" as const,
    receipt_url: "https://pay.stripe.com/receipts/x",
    currency: "eur",
  };
  const price = { id: "price_life", product: "prod_life" };

  it("describes a paid one-time Checkout from Stripe's objects", () => {
    expect(purchaseOf(session, intent, charge, [], price)).toEqual({
      id: "cs_test_1",
      status: "paid",
      priceId: "price_life",
      productId: "prod_life",
      amount: 19900,
      amountTax: 3317,
      amountRefunded: 0,
      currency: "eur",
      paymentIntentId: "pi_1",
      chargeId: "ch_1",
      receiptUrl: "https://pay.stripe.com/receipts/x",
      createdAt: new Date(1_800_000_000_000).toISOString(),
    });
  });

  it.each([
    ["a subscription session", { ...session, mode: "subscription" as const }, intent, charge],
    ["an open session", { ...session, status: "open" as const }, intent, charge],
    ["an unpaid session", { ...session, payment_status: "unpaid" as const }, intent, charge],
    ["no payment intent", session, null, charge],
    ["an intent that did not succeed", session, { ...intent, status: "processing" as const }, charge],
    ["no charge", session, intent, null],
    ["a failed charge", session, intent, { ...charge, paid: false, status: "failed" as const }],
  ])("is null for %s", (_name, s, i, c) => {
    expect(purchaseOf(s, i, c, [], price)).toBeNull();
  });
});
