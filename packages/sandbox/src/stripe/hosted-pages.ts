import { type Context, Hono } from "hono";
import type Stripe from "stripe";
import { MAX_BODY_BYTES, readForm } from "../http/body.ts";
import { chargeCard } from "./cards.ts";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import { newId } from "./ids.ts";
import { canSkipCard, completeCheckout, successRedirect } from "./lifecycle.ts";
import { checkoutClosedPage, checkoutPage } from "./pages/checkout-page.ts";
import { langOf } from "./pages/i18n.ts";
import { invoicePage } from "./pages/invoice-page.ts";
import { type PortalNotice, portalCanSwitch, portalNotices, portalPage } from "./pages/portal-page.ts";
import { receiptPage } from "./pages/receipt-page.ts";
import { buyerAddress, collectsTaxId, needsAddress } from "./payment-checkout.ts";
import { isCustomerUpdateAction, portalCustomerUpdate } from "./portal-customer-update.ts";
import { portalConfigurationOf } from "./resources/billing-portal.ts";
import { expireSession } from "./resources/checkout-sessions.ts";
import { applyItemChange, prorationBehaviors } from "./resources/plan-change.ts";
import { portalSchedulesSwitch, releaseSchedule, scheduleAtPeriodEnd } from "./resources/subscription-schedules.ts";
import { changeSubscription, endSubscription, periodOf, saveSubscription } from "./resources/subscriptions.ts";
import { checkoutTaxIdOf } from "./resources/tax-ids.ts";
import { bodyTooLarge, checkPathEncoding, html, seeOther } from "./respond.ts";

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** `MM / YY` (or MM/YYYY), not before the current month. */
export function expiryValid(raw: string): boolean {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(raw);
  if (!m) return false;
  const month = Number(m[1]);
  const year = (m[2] ?? "").length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return false;
  const now = new Date();
  return year > now.getUTCFullYear() || (year === now.getUTCFullYear() && month >= now.getUTCMonth() + 1);
}

const readPageForm = (c: Context) => readForm(c, () => bodyTooLarge(MAX_BODY_BYTES));

/** `GET|POST /checkout/:id`: the hosted checkout page and its Pay button. */
async function checkoutPageRoute(ctx: Ctx, settle: () => Promise<void>, c: Context, id: string): Promise<Response> {
  let session = ctx.store.get("checkout_session", id);
  if (!session) return html(404, checkoutClosedPage(undefined));
  if (session.status === "open" && session.expires_at <= ctx.clock.now()) {
    session = expireSession(ctx, null, session);
    await settle();
  }
  if (session.status !== "open") return html(410, checkoutClosedPage(session));
  if (c.req.method !== "POST") return html(200, checkoutPage(ctx, session));
  const form = await readPageForm(c);
  const email = str(form.email).trim();
  const name = str(form.billingName).trim();
  const country = str(form.country).trim().toUpperCase();
  const address: Stripe.Address | null = country
    ? {
        city: str(form.city).trim() || null,
        country,
        line1: str(form.line1).trim() || null,
        line2: null,
        postal_code: str(form.postalCode).trim() || null,
        state: null,
      }
    : null;
  const taxId = str(form.taxId).trim();
  const keep = { email, name, address, taxId };
  if (needsAddress(session) && !buyerAddress(ctx, session, address)?.country)
    return html(400, checkoutPage(ctx, session, { ...keep, error: "address" }));
  if (taxId && collectsTaxId(ctx, session) && !checkoutTaxIdOf(taxId))
    return html(400, checkoutPage(ctx, session, { ...keep, error: "taxId" }));
  const hasEmail = Boolean(
    session.customer_email ??
      (typeof session.customer === "string" ? ctx.store.get("customer", session.customer)?.email : null),
  );
  if (!email && !hasEmail) return html(400, checkoutPage(ctx, session, { name, error: "email" }));
  const withoutCard = str(form.cardNumber).trim() === "" && canSkipCard(ctx, session);
  if (!withoutCard && !expiryValid(str(form.cardExpiry)))
    return html(400, checkoutPage(ctx, session, { ...keep, error: "expiry" }));
  if (!withoutCard && !/^\d{3,4}$/.test(str(form.cardCvc).trim()))
    return html(400, checkoutPage(ctx, session, { ...keep, error: "cvc" }));
  try {
    const done = completeCheckout(ctx, null, id, {
      card: withoutCard ? null : str(form.cardNumber),
      email: email || null,
      name: name || null,
      address,
      taxId: taxId || null,
    });
    await settle();
    return seeOther(successRedirect(done));
  } catch (e) {
    await settle();
    if (e instanceof StripeApiError && e.status === 402) {
      const error = e.code === "card_declined" ? "declined" : "incorrect";
      return html(402, checkoutPage(ctx, session, { ...keep, error }));
    }
    throw e;
  }
}

/**
 * The portal's "Update card": checked as Stripe checks a card it saves (the declined test card is
 * refused), then the card every later charge of the customer's subscriptions uses.
 */
function updateCard(ctx: Ctx, session: Stripe.BillingPortal.Session, form: Record<string, unknown>): PortalNotice {
  let card: string;
  try {
    card = chargeCard(str(form.cardNumber));
  } catch (e) {
    return e instanceof StripeApiError && e.code === "card_declined" ? "card_declined" : "card_incorrect";
  }
  if (!expiryValid(str(form.cardExpiry))) return "card_expiry";
  if (!/^\d{3,4}$/.test(str(form.cardCvc).trim())) return "card_cvc";
  for (const id of ctx.store.subscriptionIdsOf(session.customer)) {
    const sub = ctx.store.get("subscription", id);
    const state = ctx.store.get("subscription_state", id);
    if (!sub || !state || sub.status === "canceled" || sub.status === "incomplete_expired") continue;
    ctx.store.put("subscription_state", { ...state, card });
    saveSubscription(ctx, null, sub, { ...sub, default_payment_method: newId("pm") });
  }
  return "card_updated";
}

/** `GET|POST /portal/:id`: the customer portal and its cancel / resume / switch buttons. */
async function portalPageRoute(ctx: Ctx, settle: () => Promise<void>, c: Context, id: string): Promise<Response> {
  const session = ctx.store.get("portal_session", id);
  if (!session) return html(404, checkoutClosedPage(undefined));
  if (c.req.method !== "POST") {
    const raw = c.req.query("notice");
    return html(200, portalPage(ctx, session, portalNotices.find((n) => n === raw) ?? null));
  }
  const form = await readPageForm(c);
  if (str(form.action) === "card") {
    const notice = updateCard(ctx, session, form);
    await settle();
    return seeOther(`/portal/${id}?notice=${notice}`);
  }
  const requested = str(form.action);
  if (isCustomerUpdateAction(requested)) {
    const notice = portalCustomerUpdate(ctx, session, portalConfigurationOf(ctx, session), requested, form);
    await settle();
    return seeOther(notice ? `/portal/${id}?notice=${notice}` : `/portal/${id}`);
  }
  const sub = ctx.store.get("subscription", str(form.subscription));
  if (!sub || sub.customer !== session.customer) return html(404, checkoutClosedPage(undefined));
  const action = str(form.action);
  const config = portalConfigurationOf(ctx, session);
  if (action === "cancel") {
    if (config.features.subscription_cancel.mode === "immediately")
      endSubscription(ctx, null, sub, "cancellation_requested");
    else changeSubscription(ctx, null, sub, { cancelAt: periodOf(sub).end });
  } else if (action === "resume") {
    changeSubscription(ctx, null, sub, { cancelAt: null });
  } else if (action === "switch") {
    const item = sub.items.data[0];
    const price = ctx.store.get("price", str(form.price));
    if (item && price && portalCanSwitch(ctx, config, sub, price)) {
      if (portalSchedulesSwitch(ctx, config, sub.currency, item.price, price, item.quantity ?? 1)) {
        // The configuration schedules this change (a cheaper or shorter plan) for the period's end.
        scheduleAtPeriodEnd(ctx, null, sub, price);
      } else {
        // The portal pays an upgrade at once and keeps the old plan if the card is declined.
        const after = applyItemChange(
          ctx,
          null,
          sub,
          [{ id: item.id, price: price.id, quantity: null, param: "price" }],
          {
            proration:
              prorationBehaviors.find((b) => b === config.features.subscription_update.proration_behavior) ??
              "create_prorations",
            prorationDate: null,
            payment: "pending_if_incomplete",
          },
        );
        if (after.pending_update) {
          await settle();
          return seeOther(`/portal/${id}?notice=payment_failed`);
        }
      }
    }
  } else if (action === "keep") {
    // Cancels a scheduled change: the schedule is released, the current plan goes on.
    const scheduleId = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
    const schedule = scheduleId ? ctx.store.get("subscription_schedule", scheduleId) : undefined;
    if (schedule?.status === "active") releaseSchedule(ctx, null, schedule);
  }
  await settle();
  return seeOther(`/portal/${id}`);
}

/** `GET /receipts/:chargeId`: the receipt a charge's `receipt_url` points to (amount, tax, refunds). */
function receiptPageRoute(ctx: Ctx, chargeId: string): Response {
  const charge = ctx.store.get("charge", chargeId);
  if (!charge) return html(404, checkoutClosedPage(undefined));
  return html(200, receiptPage(charge, ctx.store.get("payment_detail", charge.id)));
}

/**
 * `GET /invoice/:id`: the hosted invoice page an invoice's `hosted_invoice_url` points to, in the
 * customer's preferred language, else the browser's. (The PDF, `/invoice/:id/pdf`, is not served.)
 */
function invoicePageRoute(ctx: Ctx, c: Context, invoiceId: string): Response {
  const invoice = ctx.store.get("invoice", invoiceId);
  if (!invoice || invoice.status === "draft") return html(404, checkoutClosedPage(undefined));
  const customer = typeof invoice.customer === "string" ? ctx.store.get("customer", invoice.customer) : undefined;
  const locale = customer?.preferred_locales?.[0] ?? c.req.header("accept-language")?.split(",")[0] ?? null;
  return html(200, invoicePage(invoice, langOf(locale)));
}

/** The page's id from the path (a malformed `%` escape is a 400 in Stripe's shape). */
function pageId(c: Context): string {
  checkPathEncoding(c.req.method, new URL(c.req.url).pathname);
  return c.req.param("id") ?? "";
}

/** The hosted pages: checkout, the customer portal, receipts and invoices. */
export function hostedPageRoutes(ctx: Ctx, settle: () => Promise<void>): Hono {
  return new Hono()
    .get("/checkout/:id", (c) => checkoutPageRoute(ctx, settle, c, pageId(c)))
    .post("/checkout/:id", (c) => checkoutPageRoute(ctx, settle, c, pageId(c)))
    .get("/receipts/:id", (c) => receiptPageRoute(ctx, pageId(c)))
    .get("/invoice/:id", (c) => invoicePageRoute(ctx, c, pageId(c)))
    .get("/portal/:id", (c) => portalPageRoute(ctx, settle, c, pageId(c)))
    .post("/portal/:id", (c) => portalPageRoute(ctx, settle, c, pageId(c)));
}
