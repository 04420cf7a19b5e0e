import { type Context, Hono } from "hono";
import type Stripe from "stripe";
import { MAX_BODY_BYTES, readJson } from "../http/body.ts";
import { cardNumber } from "./cards.ts";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import { advanceClock, completeCheckout, successRedirect } from "./lifecycle.ts";
import { buyerAddress, needsAddress, preselectedCountry } from "./payment-checkout.ts";
import type { RateLimitSettings, RateLimits } from "./rate-limits.ts";
import { closeDispute, openDispute } from "./resources/payments.ts";
import { bodyTooLarge, checkPathEncoding, stripeJson } from "./respond.ts";
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

async function jsonOf(c: Context): Promise<Record<string, unknown>> {
  const parsed = await readJson(
    c,
    {
      tooLarge: () => bodyTooLarge(MAX_BODY_BYTES),
      invalid: () => new StripeApiError(400, "invalid_request_error", "Sandbox controls take a JSON body."),
    },
    {},
  );
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new StripeApiError(400, "invalid_request_error", "Sandbox controls take a JSON object.");
  return Object.fromEntries(Object.entries(parsed));
}

/** The object id in the path (a malformed `%` escape is a 400). */
function idOf(c: Context): string {
  checkPathEncoding(c.req.method, new URL(c.req.url).pathname);
  return c.req.param("id") ?? "";
}

const ok = (body: unknown) => stripeJson(200, JSON.stringify(body));

/**
 * `/_sandbox/…`: not Stripe. JSON in and out, no API key. Completing a checkout, moving the clock,
 * the delivery log and its summary, chaos, pausing delivery, Stripe's API limits, reset.
 */
export function controlRoutes(deps: ControlDeps): Hono {
  const { ctx, delivery } = deps;
  return (
    new Hono()
      .post("/checkout/sessions/:id/complete", async (c) => {
        const body = await jsonOf(c);
        // `card: null` completes without a card (a trial with payment_method_collection: if_required).
        const card = body.card === null ? null : typeof body.card === "string" ? body.card : "4242424242424242";
        const email = typeof body.email === "string" ? body.email : null;
        const name = typeof body.name === "string" ? body.name : null;
        const taxId = typeof body.taxId === "string" && body.taxId.trim() ? body.taxId.trim() : null;
        const id = idOf(c);
        try {
          const session = completeCheckout(ctx, null, id, {
            card,
            email,
            name,
            // Like the hosted page's preselected country when the caller gives no address.
            address: addressOf(body.address) ?? defaultAddress(ctx, id),
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
      })
      .post("/charges/:id/dispute", async (c) => {
        // A card network opens a dispute; with `outcome` it is decided at once (won or lost).
        const body = await jsonOf(c);
        const outcome = body.outcome === undefined ? null : body.outcome;
        if (outcome !== null && outcome !== "won" && outcome !== "lost")
          throw new StripeApiError(
            400,
            "invalid_request_error",
            "outcome must be won or lost (or omitted: the dispute stays open)",
            { param: "outcome" },
          );
        const reason = typeof body.reason === "string" ? body.reason : "fraudulent";
        const opened = openDispute(ctx, idOf(c), reason);
        const result = outcome ? closeDispute(ctx, opened.id, outcome) : opened;
        await deps.settle();
        return ok({ dispute: result });
      })
      .post("/disputes/:id/close", async (c) => {
        const body = await jsonOf(c);
        if (body.outcome !== "won" && body.outcome !== "lost")
          throw new StripeApiError(400, "invalid_request_error", "outcome must be won or lost", { param: "outcome" });
        const result = closeDispute(ctx, idOf(c), body.outcome);
        await deps.settle();
        return ok({ dispute: result });
      })
      .post("/customers/:id/card", async (c) => {
        // What updating the card in the portal does: the card every later charge of the customer's subscriptions uses.
        const body = await jsonOf(c);
        const number = cardNumber(typeof body.card === "string" ? body.card : "");
        const customerId = idOf(c);
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
      })
      .post("/clock/advance", async (c) => {
        const body = await jsonOf(c);
        const seconds = num(body.seconds, "seconds", 0, 20 * 365 * 86_400);
        const result = advanceClock(ctx, Math.floor(seconds));
        await deps.settle();
        await deps.saveClock();
        return ok({ now: result.now, offset: ctx.clock.offset, transitions: result.transitions });
      })
      .get("/clock", () => ok({ now: ctx.clock.now(), offset: ctx.clock.offset }))
      .get("/deliveries", (c) => {
        const summary = delivery.summary();
        const query = new URL(c.req.url).searchParams;
        if (query.has("summary") || query.has("pending")) return ok({ summary });
        const limit = Number(query.get("limit") ?? "1000");
        const eventId = query.get("event") ?? undefined;
        return ok({
          summary,
          attempts: delivery.attempts({
            limit: Number.isFinite(limit) ? limit : 1000,
            ...(eventId ? { eventId } : {}),
          }),
        });
      })
      .post("/deliveries/wait", async (c) => {
        const body = await jsonOf(c);
        const timeoutMs = body.timeoutMs === undefined ? 30_000 : num(body.timeoutMs, "timeoutMs", 0, 600_000);
        const idle = await delivery.idle(timeoutMs);
        return ok({ idle, summary: delivery.summary() });
      })
      .post("/chaos", async (c) => {
        const body = await jsonOf(c);
        const next: ChaosSettings = { ...delivery.chaos };
        if (body.duplicateRate !== undefined) next.duplicateRate = num(body.duplicateRate, "duplicateRate", 0, 1);
        if (body.reorderWindowMs !== undefined)
          next.reorderWindowMs = num(body.reorderWindowMs, "reorderWindowMs", 0, 600_000);
        if (body.failFirstAttemptRate !== undefined)
          next.failFirstAttemptRate = num(body.failFirstAttemptRate, "failFirstAttemptRate", 0, 1);
        if (body.dropRate !== undefined) next.dropRate = num(body.dropRate, "dropRate", 0, 1);
        delivery.chaos = next;
        return ok({ chaos: next });
      })
      .get("/chaos", () => ok({ chaos: delivery.chaos }))
      // Paced (open-loop) delivery at `perSecond`, for measuring the endpoint at an offered rate;
      // null goes back to the closed loop (at most the delivery concurrency in flight).
      .post("/webhooks/rate", async (c) => {
        const body = await jsonOf(c);
        const perSecond = body.perSecond === null ? null : num(body.perSecond, "perSecond", 1, 10_000);
        delivery.setRate(perSecond);
        return ok({ perSecond: delivery.rate });
      })
      .post("/limits", async (c) => {
        const body = await jsonOf(c);
        const next: Partial<RateLimitSettings> = {};
        if (body.perSecond !== undefined) next.perSecond = num(body.perSecond, "perSecond", 0, 100_000);
        if (body.perEndpointPerSecond !== undefined)
          next.perEndpointPerSecond = num(body.perEndpointPerSecond, "perEndpointPerSecond", 0, 100_000);
        if (body.lockTimeoutMs !== undefined) next.lockTimeoutMs = num(body.lockTimeoutMs, "lockTimeoutMs", 0, 60_000);
        const settings = deps.limits.configure(next);
        if (body.resetStats === true) deps.limits.resetStats();
        return ok({ limits: settings });
      })
      .get("/limits", () => ok(deps.limits.stats()))
      .post("/webhooks/:action{pause|resume}", (c) => {
        delivery.setPaused(c.req.param("action") === "pause");
        return ok({ summary: delivery.summary() });
      })
      .post("/reset", async () => {
        await deps.reset();
        return ok({ reset: true });
      })
      .get("/health", () => ok({ ok: true }))
      .all("*", (c) => {
        throw new StripeApiError(
          404,
          "invalid_request_error",
          `No sandbox control at ${c.req.method} ${new URL(c.req.url).pathname}`,
        );
      })
  );
}
