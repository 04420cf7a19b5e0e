// A dispute event names a charge, not a customer: read the charge from Stripe (never the event's
// copy) to find whose purchase it is. Other actions pass through unchanged.
import type { EventAction } from "@gatehouse/billing";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";

export async function resolveChargeCustomer(s: Services, action: EventAction): Promise<EventAction> {
  if (action.kind !== "sync_customer_of_charge") return action;
  try {
    const charge = await stripeCall("charges.retrieve", () => s.stripe.charges.retrieve(action.chargeId));
    const customer = typeof charge.customer === "string" ? charge.customer : (charge.customer?.id ?? null);
    if (!customer) return { kind: "ignore", reason: `charge ${action.chargeId} has no customer` };
    return { kind: "sync_customer", customerId: customer };
  } catch (e) {
    if (isMissingStripeObject(e)) return { kind: "ignore", reason: `no charge ${action.chargeId} in Stripe` };
    throw e;
  }
}
