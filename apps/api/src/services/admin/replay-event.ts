import { routeEvent } from "@gatehouse/billing";
import type Stripe from "stripe";
import type { AuthUser } from "../../context.ts";
import { ApiError } from "../../errors.ts";
import { callRpc, selectOne } from "../call-rpc.ts";
import type { Services } from "../services.ts";
import { isMissingStripeObject, stripeCall } from "../stripe-errors.ts";
import { syncPrice, syncProduct } from "../sync-catalog.ts";
import { syncCustomer } from "../sync-customer.ts";
import { recordAdminAction } from "./record-admin-action.ts";

export type ReplayOutcome = "processed" | "ignored";

/**
 * Re-processes one ledger event: a customer's event re-syncs that customer (cause replay, naming
 * the event), a catalog event re-reads the product or price. The event is marked processed in the
 * same transaction as the sync. 404 for an event the ledger does not have.
 */
export async function replayEvent(s: Services, admin: AuthUser, eventId: string): Promise<{ outcome: ReplayOutcome }> {
  if (!/^evt_\w{1,200}$/.test(eventId)) {
    throw new ApiError("event_not_found", `No event ${eventId} in the ledger: an event id starts with evt_`);
  }
  const row = await selectOne(s.db, "stripe_events", ["id", "type", "customer_id"], "id", eventId);
  if (!row) throw new ApiError("event_not_found", `No event ${eventId} in the ledger`);
  let outcome: ReplayOutcome = "processed";
  let targetUserId: string | null = null;
  if (row.customer_id) {
    const ent = await syncCustomer(s, row.customer_id, [row.id], { cause: "replay", eventId: row.id, actor: admin.id });
    if (!ent) {
      outcome = "ignored";
      await callRpc(s.db, "finish_stripe_event", { p_id: row.id });
    } else {
      targetUserId = ent.user_id;
    }
  } else {
    let event: Stripe.Event | null = null;
    try {
      event = await stripeCall("events.retrieve", () => s.stripe.events.retrieve(row.id));
    } catch (e) {
      if (!isMissingStripeObject(e)) throw e;
    }
    const action = event ? routeEvent(event) : { kind: "ignore" as const };
    if (action.kind === "sync_product") await syncProduct(s, action.product);
    else if (action.kind === "sync_price") await syncPrice(s, action.price);
    else outcome = "ignored";
    await callRpc(s.db, "finish_stripe_event", { p_id: row.id });
  }
  await recordAdminAction(s, {
    actor: admin.id,
    action: "replay",
    targetUserId,
    target: row.id,
    detail: { type: row.type, outcome },
  });
  return { outcome };
}
