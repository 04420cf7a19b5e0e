// The webhook's whole job: record a verified event in the ledger and hand it to the sync queue.
// If the queue cannot take it, the caller answers 503 and Stripe retries; even if it never does,
// the event stays unprocessed in the ledger, where the cron and events:replay find it.

import { customerOf, isPaymentEvent, routeEvent } from "@gatehouse/billing";
import type Stripe from "stripe";
import { ApiError } from "../errors.ts";
import { callRpc } from "./call-rpc.ts";
import { resolveChargeCustomer } from "./resolve-charge-customer.ts";
import type { Services } from "./services.ts";
import { messageFor, type SyncMessage } from "./sync-queue.ts";

export type AcceptOutcome = "queued" | "duplicate" | "ignored";

export async function acceptEvent(s: Services, queue: Queue<SyncMessage>, event: Stripe.Event): Promise<AcceptOutcome> {
  const action = await resolveChargeCustomer(s, routeEvent(event));
  const message = messageFor(action, event.id, isPaymentEvent(event.type, event.data.object));
  const ledger = await callRpc(s.db, "record_stripe_event", {
    p_id: event.id,
    p_type: event.type,
    p_created: new Date(event.created * 1000).toISOString(),
    p_customer_id: customerOf(action),
    // Nothing to do for it: recorded and marked processed in this one call.
    p_processed: message === null,
  });
  if (!message) return "ignored";
  // Already done once: each later change has its own event, which re-reads Stripe anyway.
  if (ledger.processed_at) return "duplicate";
  try {
    await queue.send(message, { contentType: "json" });
  } catch (e) {
    console.error(
      JSON.stringify({
        job: "webhook",
        event: event.id,
        error: `queue: ${e instanceof Error ? e.message : String(e)}`,
      }),
    );
    throw new ApiError("upstream_unavailable", "The sync queue is unavailable, Stripe will retry this event");
  }
  return "queued";
}
