import type Stripe from "stripe";
import { describe, expect, test } from "vitest";
import { routeEvent } from "./event-routing.ts";

const event = (type: string, object: Record<string, unknown>) =>
  ({ id: "evt_1", object: "event", type, created: 1, data: { object } }) as unknown as Stripe.Event;

describe("routeEvent", () => {
  test.each([
    ["customer.subscription.created", { id: "sub_1", customer: "cus_1" }],
    ["customer.subscription.updated", { id: "sub_1", customer: "cus_1" }],
    ["customer.subscription.deleted", { id: "sub_1", customer: "cus_1" }],
    ["invoice.paid", { id: "in_1", customer: "cus_1" }],
    ["invoice.payment_failed", { id: "in_1", customer: "cus_1" }],
    ["checkout.session.completed", { id: "cs_1", customer: "cus_1", mode: "subscription" }],
    ["customer.deleted", { id: "cus_1" }],
    ["subscription_schedule.updated", { id: "sub_sched_1", customer: "cus_1" }],
    ["subscription_schedule.released", { id: "sub_sched_1", customer: "cus_1" }],
    [
      "entitlements.active_entitlement_summary.updated",
      { object: "entitlements.active_entitlement_summary", customer: "cus_1" },
    ],
  ])("%s re-syncs the customer", (type, object) => {
    expect(routeEvent(event(type, object))).toEqual({ kind: "sync_customer", customerId: "cus_1" });
  });

  test("takes the id of an expanded customer", () => {
    expect(routeEvent(event("invoice.paid", { customer: { id: "cus_9" } }))).toEqual({
      kind: "sync_customer",
      customerId: "cus_9",
    });
  });

  test.each([
    ["checkout.session.completed", { id: "cs_1", customer: "cus_1", mode: "payment" }],
    ["payment_intent.succeeded", { id: "pi_1", customer: "cus_1" }],
    ["charge.succeeded", { id: "ch_1", customer: "cus_1" }],
    ["charge.refunded", { id: "ch_1", customer: "cus_1" }],
    ["refund.created", { id: "re_1", charge: "ch_1", customer: "cus_1" }],
  ])("a one-time purchase's %s re-syncs the customer", (type, object) => {
    expect(routeEvent(event(type, object))).toEqual({ kind: "sync_customer", customerId: "cus_1" });
  });

  test.each(["charge.dispute.created", "charge.dispute.closed", "charge.dispute.funds_withdrawn"])(
    "%s names only the charge: its customer is read from Stripe",
    (type) => {
      expect(routeEvent(event(type, { id: "du_1", charge: "ch_1" }))).toEqual({
        kind: "sync_customer_of_charge",
        chargeId: "ch_1",
      });
      expect(routeEvent(event(type, { id: "du_1" })).kind).toBe("ignore");
    },
  );

  test.each(["invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed"])(
    "%s of a subscription invoice re-syncs its customer; of a one-time purchase's invoice (no subscription) it is ignored",
    (type) => {
      const ofSubscription = {
        customer: "cus_1",
        parent: { type: "subscription_details", subscription_details: { subscription: "sub_1" } },
      };
      expect(routeEvent(event(type, ofSubscription))).toEqual({ kind: "sync_customer", customerId: "cus_1" });
      expect(routeEvent(event(type, { customer: "cus_1", parent: null })).kind).toBe("ignore");
      const quote = { type: "quote_details", quote_details: { quote: "qt_1" }, subscription_details: null };
      expect(routeEvent(event(type, { customer: "cus_1", parent: quote })).kind).toBe("ignore");
      // Older API versions: the top-level subscription field.
      expect(routeEvent(event(type, { customer: "cus_1", subscription: "sub_1" })).kind).toBe("sync_customer");
      expect(routeEvent(event(type, { customer: "cus_1", subscription: null })).kind).toBe("ignore");
    },
  );

  test("ignores a setup-mode checkout", () => {
    expect(routeEvent(event("checkout.session.completed", { customer: "cus_1", mode: "setup" })).kind).toBe("ignore");
  });

  test("ignores a subscription event without a customer", () => {
    expect(routeEvent(event("customer.subscription.updated", { id: "sub_1" })).kind).toBe("ignore");
  });

  test.each(["product.created", "product.updated", "product.deleted"])("%s syncs the product", (type) => {
    expect(routeEvent(event(type, { id: "prod_1" })).kind).toBe("sync_product");
  });

  test.each(["price.created", "price.updated", "price.deleted"])("%s syncs the price", (type) => {
    expect(routeEvent(event(type, { id: "price_1" })).kind).toBe("sync_price");
  });

  test.each(["payment_intent.created", "invoice.created", "customer.created", "checkout.session.expired"])(
    "%s is acknowledged and ignored",
    (type) => {
      expect(routeEvent(event(type, { id: "x", customer: "cus_1" })).kind).toBe("ignore");
    },
  );
});
