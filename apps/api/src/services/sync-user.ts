// POST /api/billing/sync: the caller's own sync, optionally proven by a Checkout Session id.
import type { EntitlementView, Tables } from "@gatehouse/types";
import type Stripe from "stripe";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { selectOne } from "./call-rpc.ts";
import { customerIdOf } from "./customer-id-of.ts";
import { ENTITLEMENT_COLUMNS, toEntitlementView } from "./entitlement-view.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";
import { syncCustomer } from "./sync-customer.ts";

export function readEntitlement(s: Services, userId: string): Promise<Tables<"entitlements"> | null> {
  return selectOne(s.db, "entitlements", ENTITLEMENT_COLUMNS, "user_id", userId);
}

async function customerOfSession(s: Services, user: AuthUser, sessionId: string): Promise<string | null> {
  let session: Stripe.Checkout.Session;
  try {
    session = await stripeCall("checkout.sessions.retrieve", () => s.stripe.checkout.sessions.retrieve(sessionId));
  } catch (e) {
    if (isMissingStripeObject(e)) throw new ApiError("session_not_found", `No Checkout Session ${sessionId}`);
    throw e;
  }
  const owner = session.client_reference_id ?? session.metadata?.user_id ?? null;
  if (owner !== user.id) throw new ApiError("session_not_yours", "This Checkout Session belongs to another account");
  // Checkout bound this customer already; syncCustomer binds it from metadata.user_id if not.
  return typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
}

export async function syncUser(s: Services, user: AuthUser, sessionId?: string): Promise<EntitlementView> {
  const customer = sessionId ? await customerOfSession(s, user, sessionId) : await customerIdOf(s, user.id);
  if (!customer) return toEntitlementView(await readEntitlement(s, user.id));
  return toEntitlementView(await syncCustomer(s, customer, [], { cause: "checkout_sync", actor: user.id }));
}
