import type { WebhookResponse } from "@gatehouse/types";
import { Hono } from "hono";
import Stripe from "stripe";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { acceptEvent } from "../services/accept-event.ts";

const crypto = Stripe.createSubtleCryptoProvider();
const TOLERANCE_S = 300;

/**
 * The signature's timestamp is within the tolerance either way. stripe-node only refuses old ones;
 * a signature dated in the future would stretch the replay window, so it is refused too.
 */
export function timestampWithinTolerance(header: string, nowS: number): boolean {
  const t = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(header)?.[1];
  return t !== undefined && Math.abs(nowS - Number(t)) <= TOLERANCE_S;
}

/**
 * Exactly one `t=` element. With two, the guard above and stripe-node would read different ones
 * (the guard the first, the SDK the last), so a fresh first `t` could cover a stale signed one.
 */
export function hasOneTimestamp(header: string): boolean {
  return header.split(",").filter((part) => part.trim().split("=")[0]?.trim() === "t").length === 1;
}

function looksLikeEvent(v: unknown): v is Stripe.Event {
  if (!v || typeof v !== "object") return false;
  const e = v as Record<string, unknown>;
  const data = e.data as Record<string, unknown> | undefined;
  return (
    typeof e.id === "string" &&
    e.id.startsWith("evt_") &&
    typeof e.type === "string" &&
    typeof e.created === "number" &&
    !!data &&
    typeof data.object === "object" &&
    data.object !== null
  );
}

export const stripeWebhookRoutes = new Hono<AppEnv>().post("/stripe/webhook", async (c) => {
  const signature = c.req.header("stripe-signature");
  if (!signature) throw new ApiError("invalid_signature", "Missing Stripe-Signature header");
  if (!hasOneTimestamp(signature)) {
    throw new ApiError("invalid_signature", "The Stripe-Signature header must carry exactly one t= timestamp");
  }
  if (!timestampWithinTolerance(signature, Math.floor(Date.now() / 1000))) {
    throw new ApiError("invalid_signature", "The Stripe-Signature timestamp is missing or more than 300 s from now");
  }
  const raw = await c.req.text();
  const { stripe, config } = c.var.services;
  let event: unknown;
  try {
    event = await stripe.webhooks.constructEventAsync(
      raw,
      signature,
      config.STRIPE_WEBHOOK_SECRET,
      TOLERANCE_S,
      crypto,
    );
  } catch (e) {
    if (e instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new ApiError(
        "invalid_signature",
        "The Stripe-Signature does not match this endpoint's secret, or is too old",
      );
    }
    throw new ApiError("invalid_payload", "The webhook body is not a JSON Stripe event");
  }
  if (!looksLikeEvent(event)) throw new ApiError("invalid_payload", "The webhook body is not a Stripe event");
  // Recorded and queued: the consumer syncs (index.ts queue handler), paced under Stripe's limits.
  const outcome = await acceptEvent(c.var.services, c.env.SYNC_QUEUE, event);
  return c.json({ received: true, outcome } satisfies WebhookResponse);
});
