// A verified webhook event: record it, act on it, mark it done. Failures are recorded and rethrown
// so the route answers 5xx and Stripe retries.

import { customerOf, routeEvent } from "@gatehouse/billing";
import type Stripe from "stripe";
import { callRpc } from "./call-rpc.ts";
import { resolveChargeCustomer } from "./resolve-charge-customer.ts";
import type { Services } from "./services.ts";
import { syncPrice, syncProduct } from "./sync-catalog.ts";
import { syncCustomer } from "./sync-customer.ts";

export type EventOutcome = "processed" | "duplicate" | "ignored";

export async function processEvent(s: Services, event: Stripe.Event): Promise<EventOutcome> {
  const action = await resolveChargeCustomer(s, routeEvent(event));
  const ledger = await callRpc(s.db, "record_stripe_event", {
    p_id: event.id,
    p_type: event.type,
    p_created: new Date(event.created * 1000).toISOString(),
    p_customer_id: customerOf(action),
    // Nothing to do for it: recorded and marked processed in this one call.
    p_processed: action.kind === "ignore",
  });
  if (action.kind === "ignore") return "ignored";
  // Already done once: each later change has its own event, which re-reads Stripe anyway.
  if (ledger.processed_at) return "duplicate";
  try {
    switch (action.kind) {
      case "sync_customer":
        if ((await syncCustomer(s, action.customerId, [event.id], { cause: "webhook" })) === null) {
          await callRpc(s.db, "finish_stripe_event", { p_id: event.id });
          return "ignored";
        }
        return "processed";
      case "sync_product":
        await syncProduct(s, action.product);
        break;
      case "sync_price":
        await syncPrice(s, action.price);
        break;
    }
    await callRpc(s.db, "finish_stripe_event", { p_id: event.id });
    return "processed";
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await callRpc(s.db, "finish_stripe_event", { p_id: event.id, p_error: message.slice(0, 500) }).catch(
      () => undefined,
    );
    throw e;
  }
}
