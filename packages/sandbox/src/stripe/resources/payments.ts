// One-time payments: payment intents, charges, refunds (Stripe's own API) and disputes (opened and
// decided through a sandbox control, as a card network would).
import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing, StripeApiError } from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { mergeMetadata, Params, pageSpec, type SpecObject } from "../params.ts";
import type { Kinds } from "../store.ts";

export function getPaymentIntent(ctx: Ctx, id: string, param = "intent"): Stripe.PaymentIntent {
  const x = ctx.store.get("payment_intent", id);
  if (!x) throw resourceMissing("payment_intent", id, param);
  return x;
}

export function getCharge(ctx: Ctx, id: string, param = "charge"): Stripe.Charge {
  const x = ctx.store.get("charge", id);
  if (!x) throw resourceMissing("charge", id, param);
  return x;
}

function idOf(x: string | { id: string } | null): string | null {
  return typeof x === "string" ? x : (x?.id ?? null);
}

export interface NewPayment {
  customer: string;
  amount: number;
  currency: string;
  card: string;
  description: string | null;
  email: string | null;
  metadata: Record<string, string>;
  billing: { name: string | null; address: Stripe.Address | null; taxId: string | null };
}

/**
 * A successful card payment: a payment intent and its charge, with Stripe's events in the order a
 * Checkout payment emits them (`payment_intent.created`, `charge.succeeded`,
 * `payment_intent.succeeded`; the caller emits `checkout.session.completed` last).
 */
export function createPayment(
  ctx: Ctx,
  request: RequestInfo | null,
  input: NewPayment,
): { intent: Stripe.PaymentIntent; charge: Stripe.Charge } {
  const now = ctx.clock.now();
  const intentId = newId("pi");
  const chargeId = newId("ch");
  const paymentMethod = newId("pm");
  const created: Stripe.PaymentIntent = {
    id: intentId,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${intentId}_secret_${newId("x", 24).slice(2)}`,
    confirmation_method: "automatic",
    created: now,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: input.email,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_group: null,
  };
  ctx.events.emit("payment_intent.created", created, request);
  const charge: Stripe.Charge = {
    id: chargeId,
    object: "charge",
    amount: input.amount,
    amount_captured: input.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: newId("txn"),
    billing_details: {
      address: input.billing.address,
      email: input.email,
      name: input.billing.name,
      phone: null,
      tax_id: input.billing.taxId,
    },
    calculated_statement_descriptor: "GATEHOUSE",
    captured: true,
    created: now,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 32,
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: intentId,
    payment_method: paymentMethod,
    payment_method_details: null,
    receipt_email: input.email,
    receipt_number: null,
    receipt_url: `${ctx.baseUrl}/receipts/${chargeId}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
  ctx.store.put("charge", charge);
  ctx.events.emit("charge.succeeded", charge, request);
  const intent: Stripe.PaymentIntent = {
    ...created,
    amount_received: input.amount,
    latest_charge: chargeId,
    payment_method: paymentMethod,
    status: "succeeded",
  };
  ctx.store.put("payment_intent", intent);
  ctx.events.emit("payment_intent.succeeded", intent, request);
  return { intent, charge };
}

const refundReasons = ["duplicate", "fraudulent", "requested_by_customer"] as const;

/** `POST /v1/refunds`: full (default) or partial, by `charge` or `payment_intent`. */
function createRefund(ctx: Ctx, req: ApiRequest): Stripe.Refund {
  const p = new Params(req.params, {
    charge: "s",
    payment_intent: "s",
    amount: "s",
    reason: "s",
    metadata: "map",
    expand: "list",
  });
  const chargeParam = p.str("charge");
  const intentParam = p.str("payment_intent");
  if (!chargeParam && !intentParam)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      "One of the following params should be provided for this request: payment_intent or charge.",
      { code: "parameter_missing" },
    );
  let chargeId = chargeParam;
  if (intentParam) {
    const intent = getPaymentIntent(ctx, intentParam, "payment_intent");
    const latest = idOf(intent.latest_charge);
    if (intent.status !== "succeeded" || !latest)
      throw new StripeApiError(
        400,
        "invalid_request_error",
        `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
        { code: "charge_not_refundable", param: "payment_intent" },
      );
    if (chargeParam && chargeParam !== latest)
      throw invalidParameter("charge", `The charge ${chargeParam} does not belong to the PaymentIntent ${intent.id}.`);
    chargeId = latest;
  }
  const charge = getCharge(ctx, chargeId ?? "", "charge");
  const remaining = charge.amount - charge.amount_refunded;
  if (charge.refunded || remaining <= 0)
    throw new StripeApiError(400, "invalid_request_error", `Charge ${charge.id} has already been refunded.`, {
      code: "charge_already_refunded",
      param: chargeParam ? "charge" : "payment_intent",
    });
  const dispute = openDisputeOf(ctx, charge.id);
  if (dispute)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `Charge ${charge.id} has been disputed (${dispute.id}): respond to the dispute instead of refunding.`,
      { code: "charge_disputed", param: chargeParam ? "charge" : "payment_intent" },
    );
  const amount = p.int("amount") ?? remaining;
  if (amount < 1) throw invalidParameter("amount", "Refund amount must be a positive integer.");
  if (amount > remaining)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`,
      { code: "amount_too_large", param: "amount" },
    );
  const rawReason = p.str("reason");
  const reason = rawReason === null ? null : refundReasons.find((r) => r === rawReason);
  if (reason === undefined)
    throw invalidParameter("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");
  const refund: Stripe.Refund = {
    id: newId("re"),
    object: "refund",
    amount,
    balance_transaction: newId("txn"),
    charge: charge.id,
    created: ctx.clock.now(),
    currency: charge.currency,
    customer: idOf(charge.customer),
    customer_account: null,
    metadata: mergeMetadata({}, p.map("metadata")),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
  ctx.store.put("refund", refund);
  const refundedTotal = charge.amount_refunded + amount;
  const next: Stripe.Charge = { ...charge, amount_refunded: refundedTotal, refunded: refundedTotal >= charge.amount };
  ctx.store.put("charge", next);
  ctx.events.emit("charge.refunded", next, req.request, {
    amount_refunded: charge.amount_refunded,
    refunded: charge.refunded,
  });
  ctx.events.emit("refund.created", refund, req.request);
  return expand(ctx.store, refund, p.list("expand"));
}

function disputesOf(ctx: Ctx, chargeId: string): Stripe.Dispute[] {
  return ctx.store.ids("dispute").flatMap((id) => {
    const d = ctx.store.get("dispute", id);
    return d && idOf(d.charge) === chargeId ? [d] : [];
  });
}

function openDisputeOf(ctx: Ctx, chargeId: string): Stripe.Dispute | undefined {
  return disputesOf(ctx, chargeId).find((d) => d.status !== "won" && d.status !== "lost");
}

const disputeReasons = ["fraudulent", "product_not_received", "duplicate", "subscription_canceled", "general"];

/** A card network opens a dispute on a charge (sandbox control): `charge.dispute.created`, funds withdrawn. */
export function openDispute(ctx: Ctx, chargeId: string, reason: string): Stripe.Dispute {
  const charge = getCharge(ctx, chargeId, "charge");
  if (openDisputeOf(ctx, charge.id))
    throw new StripeApiError(400, "invalid_request_error", `Charge ${charge.id} already has an open dispute.`, {
      param: "charge",
    });
  if (!disputeReasons.includes(reason))
    throw invalidParameter("reason", `Invalid reason: must be one of ${disputeReasons.join(", ")}`);
  const amount = charge.amount - charge.amount_refunded;
  if (amount <= 0)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `Charge ${charge.id} is fully refunded: nothing to dispute.`,
      {
        param: "charge",
      },
    );
  const now = ctx.clock.now();
  const dispute: Stripe.Dispute = {
    id: newId("du"),
    object: "dispute",
    amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: charge.billing_details.email,
      customer_name: charge.billing_details.name,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: now + 14 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: "needs_response",
  };
  ctx.store.put("dispute", dispute);
  ctx.store.put("charge", { ...charge, disputed: true });
  ctx.events.emit("charge.dispute.created", dispute, null);
  ctx.events.emit("charge.dispute.funds_withdrawn", dispute, null);
  return dispute;
}

/** The dispute is decided: `charge.dispute.closed` (status won or lost); a won one reinstates the funds. */
export function closeDispute(ctx: Ctx, disputeId: string, outcome: "won" | "lost"): Stripe.Dispute {
  const dispute = ctx.store.get("dispute", disputeId);
  if (!dispute) throw resourceMissing("dispute", disputeId, "dispute");
  if (dispute.status === "won" || dispute.status === "lost")
    throw new StripeApiError(
      400,
      "invalid_request_error",
      `Dispute ${dispute.id} is already closed (${dispute.status}).`,
      {
        param: "dispute",
      },
    );
  const closed: Stripe.Dispute = { ...dispute, status: outcome };
  ctx.store.put("dispute", closed);
  ctx.events.emit("charge.dispute.closed", closed, null, { status: dispute.status });
  if (outcome === "won") ctx.events.emit("charge.dispute.funds_reinstated", closed, null);
  return closed;
}

function retrieve<K extends PaymentKind>(ctx: Ctx, req: ApiRequest, kind: K, id: string, param: string) {
  const p = new Params(req.params, { expand: "list" });
  const x = ctx.store.get(kind, id);
  if (!x) throw resourceMissing(kind, id, param);
  return expand(ctx.store, x, p.list("expand"));
}

type Refs = Partial<Record<"customer" | "payment_intent" | "charge", string | { id: string } | null>>;
type PaymentKind = "payment_intent" | "charge" | "refund" | "dispute";

/** A list page, filtered by the given references (`customer`, `payment_intent`, `charge`). */
function list<K extends PaymentKind>(
  ctx: Ctx,
  req: ApiRequest,
  kind: K,
  filters: ReadonlyArray<keyof Refs & keyof Kinds[K]>,
  url: string,
) {
  const spec: SpecObject = { ...pageSpec };
  for (const f of filters) spec[f] = "s";
  const p = new Params(req.params, spec);
  const wanted = filters.flatMap((f) => {
    const v = p.str(f);
    return v === null ? [] : [[f, v] as const];
  });
  const page = listPage(
    ctx.store.ids(kind),
    (id) => ctx.store.get(kind, id),
    (x) => wanted.every(([f, v]) => idOf((x as Refs)[f] ?? null) === v),
    p,
    url,
  );
  return expand(ctx.store, page, p.list("expand"));
}

/** `GET /v1/<path>/:id` and `GET /v1/<path>` (filtered by `filters`) for one kind. */
function readRoutes<K extends PaymentKind>(
  kind: K,
  path: string,
  param: string,
  filters: ReadonlyArray<keyof Refs & keyof Kinds[K]>,
): Route[] {
  return [
    route.get(`/${path}/:id`, (ctx, req, [id = ""]) => retrieve(ctx, req, kind, id, param)),
    route.get(`/${path}`, (ctx, req) => list(ctx, req, kind, filters, `/v1/${path}`)),
  ];
}

export const paymentRoutes: Route[] = [
  route.post("/refunds", (ctx, req) => createRefund(ctx, req)),
  ...readRoutes("payment_intent", "payment_intents", "intent", ["customer"]),
  ...readRoutes("charge", "charges", "charge", ["customer", "payment_intent"]),
  ...readRoutes("refund", "refunds", "refund", ["charge", "payment_intent"]),
  ...readRoutes("dispute", "disputes", "dispute", ["charge", "payment_intent"]),
];
