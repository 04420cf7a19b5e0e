import type { IncomingMessage, ServerResponse } from "node:http";
import type Stripe from "stripe";
import { decodePathSegment } from "./api-router.ts";
import { cardNumber } from "./cards.ts";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import { readBody, sendJson } from "./http-io.ts";
import { advanceClock, completeCheckout, successRedirect } from "./lifecycle.ts";
import { buyerAddress, needsAddress, preselectedCountry } from "./payment-checkout.ts";
import type { RateLimitSettings, RateLimits } from "./rate-limits.ts";
import { closeDispute, openDispute } from "./resources/payments.ts";
import type { ChaosSettings, WebhookDelivery } from "./webhook-delivery.ts";

export interface ControlDeps {
  ctx: Ctx;
  delivery: WebhookDelivery;
  limits: RateLimits;
  /** Commits what a handler changed and hands its events to delivery. */
  settle(): Promise<void>;
  reset(): Promise<void>;
  saveClock(): Promise<void>;
}

/** `{country, line1, city, postal_code, state?}` from a control's JSON, or null. */
function addressOf(v: unknown): Stripe.Address | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = Object.fromEntries(Object.entries(v));
  const s = (k: string) => (typeof o[k] === "string" && o[k] !== "" ? String(o[k]) : null);
  const country = s("country");
  if (!country) return null;
  return {
    city: s("city"),
    country: country.toUpperCase(),
    line1: s("line1"),
    line2: s("line2"),
    postal_code: s("postal_code"),
    state: s("state"),
  };
}

function defaultAddress(ctx: Ctx, sessionId: string): Stripe.Address | null {
  const session = ctx.store.get("checkout_session", sessionId);
  if (!session || !needsAddress(session) || buyerAddress(ctx, session, null)) return null;
  return { city: null, country: preselectedCountry(session), line1: null, line2: null, postal_code: null, state: null };
}

function num(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    throw new StripeApiError(400, "invalid_request_error", `${name} must be a number between ${min} and ${max}`, {
      param: name,
    });
  return v;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (!raw.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new StripeApiError(400, "invalid_request_error", "Sandbox controls take a JSON body.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new StripeApiError(400, "invalid_request_error", "Sandbox controls take a JSON object.");
  return Object.fromEntries(Object.entries(parsed));
}

/**
 * `/_sandbox/…`: not Stripe. JSON in and out, no API key. Completing a checkout, moving the clock,
 * the delivery log and its summary, chaos, pausing delivery, Stripe's API limits, reset.
 */
export async function handleControl(deps: ControlDeps, req: IncomingMessage, res: ServerResponse, url: URL) {
  const { ctx, delivery } = deps;
  const path = url.pathname;
  const method = req.method ?? "GET";
  const ok = (body: unknown) => sendJson(res, 200, JSON.stringify(body));
  const complete = /^\/_sandbox\/checkout\/sessions\/([^/]+)\/complete$/.exec(path);
  if (method === "POST" && complete) {
    const body = await readJson(req);
    // `card: null` completes without a card (a trial with payment_method_collection: if_required).
    const card = body.card === null ? null : typeof body.card === "string" ? body.card : "4242424242424242";
    const email = typeof body.email === "string" ? body.email : null;
    const name = typeof body.name === "string" ? body.name : null;
    const taxId = typeof body.taxId === "string" && body.taxId.trim() ? body.taxId.trim() : null;
    try {
      const session = completeCheckout(ctx, null, decodePathSegment(method, path, complete[1] ?? ""), {
        card,
        email,
        name,
        // Like the hosted page's preselected country when the caller gives no address.
        address: addressOf(body.address) ?? defaultAddress(ctx, decodePathSegment(method, path, complete[1] ?? "")),
        taxId,
      });
      await deps.settle();
      return ok({
        session,
        subscription: session.subscription,
        payment_intent: session.payment_intent,
        redirect_url: successRedirect(session),
      });
    } catch (e) {
      await deps.settle();
      throw e;
    }
  }
  const dispute = /^\/_sandbox\/charges\/([^/]+)\/dispute$/.exec(path);
  if (method === "POST" && dispute) {
    // A card network opens a dispute; with `outcome` it is decided at once (won or lost).
    const body = await readJson(req);
    const outcome = body.outcome === undefined ? null : body.outcome;
    if (outcome !== null && outcome !== "won" && outcome !== "lost")
      throw new StripeApiError(
        400,
        "invalid_request_error",
        "outcome must be won or lost (or omitted: the dispute stays open)",
        {
          param: "outcome",
        },
      );
    const reason = typeof body.reason === "string" ? body.reason : "fraudulent";
    const opened = openDispute(ctx, decodePathSegment(method, path, dispute[1] ?? ""), reason);
    const result = outcome ? closeDispute(ctx, opened.id, outcome) : opened;
    await deps.settle();
    return ok({ dispute: result });
  }
  const close = /^\/_sandbox\/disputes\/([^/]+)\/close$/.exec(path);
  if (method === "POST" && close) {
    const body = await readJson(req);
    if (body.outcome !== "won" && body.outcome !== "lost")
      throw new StripeApiError(400, "invalid_request_error", "outcome must be won or lost", { param: "outcome" });
    const result = closeDispute(ctx, decodePathSegment(method, path, close[1] ?? ""), body.outcome);
    await deps.settle();
    return ok({ dispute: result });
  }
  const card = /^\/_sandbox\/customers\/([^/]+)\/card$/.exec(path);
  if (method === "POST" && card) {
    // What updating the card in the portal does: the card every later charge of the customer's subscriptions uses.
    const body = await readJson(req);
    const number = cardNumber(typeof body.card === "string" ? body.card : "");
    const customerId = decodePathSegment(method, path, card[1] ?? "");
    if (!ctx.store.get("customer", customerId))
      throw new StripeApiError(404, "invalid_request_error", `No such customer: '${customerId}'`, {
        code: "resource_missing",
        param: "customer",
      });
    const updated: string[] = [];
    for (const id of ctx.store.subscriptionIdsOf(customerId)) {
      const state = ctx.store.get("subscription_state", id);
      if (state) {
        ctx.store.put("subscription_state", { ...state, card: number });
        updated.push(id);
      }
    }
    await deps.settle();
    return ok({ customer: customerId, subscriptions: updated });
  }
  if (method === "POST" && path === "/_sandbox/clock/advance") {
    const body = await readJson(req);
    const seconds = num(body.seconds, "seconds", 0, 20 * 365 * 86_400);
    const result = advanceClock(ctx, Math.floor(seconds));
    await deps.settle();
    await deps.saveClock();
    return ok({ now: result.now, offset: ctx.clock.offset, transitions: result.transitions });
  }
  if (method === "GET" && path === "/_sandbox/clock") return ok({ now: ctx.clock.now(), offset: ctx.clock.offset });
  if (method === "GET" && path === "/_sandbox/deliveries") {
    const summary = delivery.summary();
    if (url.searchParams.has("summary") || url.searchParams.has("pending")) return ok({ summary });
    const limit = Number(url.searchParams.get("limit") ?? "1000");
    const eventId = url.searchParams.get("event") ?? undefined;
    return ok({
      summary,
      attempts: delivery.attempts({ limit: Number.isFinite(limit) ? limit : 1000, ...(eventId ? { eventId } : {}) }),
    });
  }
  if (method === "POST" && path === "/_sandbox/deliveries/wait") {
    const body = await readJson(req);
    const timeoutMs = body.timeoutMs === undefined ? 30_000 : num(body.timeoutMs, "timeoutMs", 0, 600_000);
    const idle = await delivery.idle(timeoutMs);
    return ok({ idle, summary: delivery.summary() });
  }
  if (method === "POST" && path === "/_sandbox/chaos") {
    const body = await readJson(req);
    const next: ChaosSettings = { ...delivery.chaos };
    if (body.duplicateRate !== undefined) next.duplicateRate = num(body.duplicateRate, "duplicateRate", 0, 1);
    if (body.reorderWindowMs !== undefined)
      next.reorderWindowMs = num(body.reorderWindowMs, "reorderWindowMs", 0, 600_000);
    if (body.failFirstAttemptRate !== undefined)
      next.failFirstAttemptRate = num(body.failFirstAttemptRate, "failFirstAttemptRate", 0, 1);
    if (body.dropRate !== undefined) next.dropRate = num(body.dropRate, "dropRate", 0, 1);
    delivery.chaos = next;
    return ok({ chaos: next });
  }
  if (method === "POST" && path === "/_sandbox/limits") {
    const body = await readJson(req);
    const next: Partial<RateLimitSettings> = {};
    if (body.perSecond !== undefined) next.perSecond = num(body.perSecond, "perSecond", 0, 100_000);
    if (body.perEndpointPerSecond !== undefined)
      next.perEndpointPerSecond = num(body.perEndpointPerSecond, "perEndpointPerSecond", 0, 100_000);
    if (body.lockTimeoutMs !== undefined) next.lockTimeoutMs = num(body.lockTimeoutMs, "lockTimeoutMs", 0, 60_000);
    const settings = deps.limits.configure(next);
    if (body.resetStats === true) deps.limits.resetStats();
    return ok({ limits: settings });
  }
  if (method === "GET" && path === "/_sandbox/limits") return ok(deps.limits.stats());
  if (method === "GET" && path === "/_sandbox/chaos") return ok({ chaos: delivery.chaos });
  if (method === "POST" && (path === "/_sandbox/webhooks/pause" || path === "/_sandbox/webhooks/resume")) {
    delivery.setPaused(path.endsWith("pause"));
    return ok({ summary: delivery.summary() });
  }
  if (method === "POST" && path === "/_sandbox/reset") {
    await deps.reset();
    return ok({ reset: true });
  }
  if (method === "GET" && path === "/_sandbox/health") return ok({ ok: true });
  throw new StripeApiError(404, "invalid_request_error", `No sandbox control at ${method} ${path}`);
}
