import { describe, expect, test } from "vitest";
import { isPaymentEvent, readsPurchases } from "./reads-purchases.ts";

describe("isPaymentEvent", () => {
  test.each([
    ["checkout.session.completed", { mode: "payment" }, true],
    ["checkout.session.async_payment_succeeded", { mode: "payment" }, true],
    ["checkout.session.completed", { mode: "subscription" }, false],
    ["checkout.session.completed", {}, true],
    ["checkout.session.completed", null, true],
    ["payment_intent.succeeded", { id: "pi_1" }, true],
    ["charge.succeeded", { id: "ch_1" }, true],
    ["charge.refunded", { id: "ch_1" }, true],
    ["charge.refund.updated", { id: "re_1" }, true],
    ["charge.dispute.closed", { id: "dp_1" }, true],
    ["refund.created", { id: "re_1" }, true],
    ["customer.subscription.updated", { id: "sub_1" }, false],
    ["invoice.paid", { id: "in_1" }, false],
    ["subscription_schedule.updated", { id: "sub_sched_1" }, false],
    ["customer.deleted", { id: "cus_1" }, false],
    ["chargeable.thing", {}, false],
  ])("%s %j → %s", (type, object, expected) => {
    expect(isPaymentEvent(type, object)).toBe(expected);
  });
});

describe("readsPurchases", () => {
  const others = ["checkout_sync", "cron", "plan_change", "admin_resync", "replay", "doctor"];
  test.each([
    // cause, has purchases on record, a payment event among those answered, reads
    ["webhook", false, false, false],
    ["webhook", true, false, true],
    ["webhook", false, true, true],
    ["webhook", true, true, true],
    ...others.flatMap((cause) => [
      [cause, false, false, true],
      [cause, true, true, true],
    ]),
  ] as [string, boolean, boolean, boolean][])(
    "%s, purchases on record %s, payment event %s → reads %s",
    (cause, hasPurchases, paymentEvent, expected) => {
      expect(readsPurchases({ cause, hasPurchases, paymentEvent })).toBe(expected);
    },
  );
});
