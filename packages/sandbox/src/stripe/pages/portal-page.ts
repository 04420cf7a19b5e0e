import type Stripe from "stripe";
import type { Ctx } from "../context.ts";
import { customerUpdateNotices, portalMayUpdate } from "../portal-customer-update.ts";
import { defaultConfigurationOf } from "../resources/billing-portal.ts";
import { priceIn } from "../resources/prices.ts";
import { scheduledChangeOf } from "../resources/subscription-schedules.ts";
import { periodOf } from "../resources/subscriptions.ts";
import { modelledTaxIdTypes, taxIdsOf } from "../resources/tax-ids.ts";
import { addressInputs } from "./address.ts";
import { date, esc, layout, money } from "./html.ts";
import { langOf, perInterval, t } from "./i18n.ts";

/** What the price costs in the subscription's currency (its own amount or its currency option's). */
function priceMoney(ctx: Ctx, price: Stripe.Price, currency: string, lang: "en" | "fr"): string {
  const inCurrency = priceIn(ctx, price, currency);
  return inCurrency ? money(inCurrency.unitAmount, currency, lang) : money(price.unit_amount, price.currency, lang);
}

function priceLabel(ctx: Ctx, price: Stripe.Price, currency: string, lang: "en" | "fr"): string {
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const name = price.nickname ?? ctx.store.get("product", productId)?.name ?? productId;
  return `${name} · ${priceMoney(ctx, price, currency, lang)} ${perInterval(lang, price.recurring?.interval)}`;
}

/**
 * May the portal switch this subscription to `price`? The configuration's product list (each with
 * its allowed prices) says which, across products; without one, the other prices of the same product.
 */
export function portalCanSwitch(
  ctx: Ctx,
  config: Stripe.BillingPortal.Configuration,
  sub: Stripe.Subscription,
  price: Stripe.Price,
): boolean {
  const item = sub.items.data[0];
  if (!item || !config.features.subscription_update.enabled) return false;
  if (!price.active || !price.recurring || price.id === item.price.id) return false;
  // A price the subscription's currency can bill: its own currency or one of its currency_options.
  if (!priceIn(ctx, price, sub.currency)) return false;
  const productOf = (p: Stripe.Price) => (typeof p.product === "string" ? p.product : p.product.id);
  const listed = config.features.subscription_update.products ?? [];
  if (listed.length === 0) return productOf(price) === productOf(item.price);
  return listed.some((x) => x.product === productOf(price) && (x.prices.length === 0 || x.prices.includes(price.id)));
}

function subscriptionCard(
  ctx: Ctx,
  session: Stripe.BillingPortal.Session,
  config: Stripe.BillingPortal.Configuration,
  sub: Stripe.Subscription,
): string {
  const lang = langOf(session.locale);
  const m = t(lang);
  const item = sub.items.data[0];
  if (!item) return "";
  const { end } = periodOf(sub);
  const productId = typeof item.price.product === "string" ? item.price.product : item.price.product.id;
  const product = ctx.store.get("product", productId);
  const when =
    sub.status === "canceled"
      ? m.endedOn(date(sub.ended_at ?? end, lang))
      : sub.cancel_at
        ? m.cancelsOn(date(sub.cancel_at, lang))
        : sub.status === "trialing" && sub.trial_end
          ? m.trialEndsOn(date(sub.trial_end, lang))
          : sub.status === "past_due"
            ? m.retrying
            : m.renewsOn(date(end, lang));
  const action = (name: string, label: string, cls: string, extra = "") =>
    `<form method="post" action="/portal/${esc(session.id)}"><input type="hidden" name="action" value="${name}"><input type="hidden" name="subscription" value="${esc(sub.id)}">${extra}<button type="submit" class="${cls}">${esc(label)}</button></form>`;
  const actions: string[] = [];
  const scheduled = sub.status !== "canceled" ? scheduledChangeOf(ctx, sub) : null;
  if (scheduled) actions.push(action("keep", m.keepPlan, ""));
  const features = config.features;
  if (sub.status !== "canceled") {
    if (sub.cancel_at) actions.push(action("resume", m.resumePlan, ""));
    else if (features.subscription_cancel.enabled) actions.push(action("cancel", m.cancelPlan, "danger"));
    for (const id of features.subscription_update.enabled ? ctx.store.ids("price") : []) {
      const p = ctx.store.get("price", id);
      if (!p || !portalCanSwitch(ctx, config, sub, p)) continue;
      actions.push(
        action(
          "switch",
          m.switchTo(priceLabel(ctx, p, sub.currency, lang)),
          "secondary",
          `<input type="hidden" name="price" value="${esc(p.id)}">`,
        ),
      );
    }
  }
  return `<section class="card" aria-label="${esc(product?.name ?? productId)}" data-subscription="${esc(sub.id)}">
  <div class="hint">${esc(m.currentPlan)}</div>
  <div><strong>${esc(product?.name ?? productId)}</strong> <span class="status ${esc(sub.status)}">${esc(m.status[sub.status] ?? sub.status)}</span></div>
  <div>${esc(priceMoney(ctx, item.price, sub.currency, lang))} ${esc(perInterval(lang, item.price.recurring?.interval))}</div>
  <div class="hint" data-testid="period">${esc(when)}</div>
  ${scheduled ? `<div class="hint" data-testid="scheduled">${esc(m.scheduledChange(priceLabel(ctx, scheduled.price, sub.currency, lang), date(scheduled.at, lang)))}</div>` : ""}
  <div class="actions">${actions.join("")}</div>
</section>`;
}

/** What the portal page reports after an action (`?notice=` on the redirect). */
export const portalNotices = [
  "payment_failed",
  "card_updated",
  "card_declined",
  "card_incorrect",
  "card_expiry",
  "card_cvc",
  ...customerUpdateNotices,
] as const;
export type PortalNotice = (typeof portalNotices)[number];

/** The notices that are not an error code: the message each shows and whether it reports a problem. */
const noticeMessages = {
  card_updated: ["cardUpdated", false],
  payment_failed: ["switchPaymentFailed", true],
  address_updated: ["addressUpdated", false],
  address_invalid: ["addressInvalid", true],
  tax_id_added: ["taxIdAdded", false],
  tax_id_invalid: ["taxIdInvalid", true],
  tax_id_removed: ["taxIdRemoved", false],
} as const satisfies Partial<Record<PortalNotice, readonly [keyof ReturnType<typeof t>, boolean]>>;

/** The sentence a notice shows and whether it reports a problem. */
function noticeText(m: ReturnType<typeof t>, n: PortalNotice): { text: string; error: boolean } {
  if (n in noticeMessages) {
    const [key, error] = noticeMessages[n as keyof typeof noticeMessages];
    return { text: m[key], error };
  }
  return { text: m.errors[noticeError(n)], error: true };
}

/** The Billing information card: the address form and the tax IDs, as far as the configuration allows. */
function billingInfoSection(
  ctx: Ctx,
  session: Stripe.BillingPortal.Session,
  config: Stripe.BillingPortal.Configuration,
): string {
  const address = portalMayUpdate(config, "address");
  const taxIds = portalMayUpdate(config, "tax_id");
  if (!address && !taxIds) return "";
  const m = t(langOf(session.locale));
  const customer = ctx.store.get("customer", session.customer);
  const a = customer?.address ?? null;
  const post = `method="post" action="/portal/${esc(session.id)}"`;
  const addressForm = address
    ? `<form ${post} data-testid="address-form">
    <input type="hidden" name="action" value="address">
    ${addressInputs(m, a, a?.country ?? "", { country: "portal-country", line1: "portal-line1", postalCode: "portal-postal-code", city: "portal-city" })}
    <button type="submit" class="secondary" id="save-address">${esc(m.saveAddress)}</button>
  </form>`
    : "";
  const owned = customer ? taxIdsOf(ctx, customer.id) : [];
  const taxIdList = owned.length
    ? `<ul data-testid="tax-ids">${owned
        .map(
          (x) =>
            `<li data-tax-id="${esc(x.id)}"><span>${esc(m.taxIdTypes[x.type] ?? x.type)} · ${esc(x.value)}</span><form ${post}><input type="hidden" name="action" value="tax_id_delete"><input type="hidden" name="taxId" value="${esc(x.id)}"><button type="submit" class="secondary">${esc(m.removeTaxId)}</button></form></li>`,
        )
        .join("")}</ul>`
    : `<p class="hint" data-testid="tax-ids">${esc(m.noTaxIds)}</p>`;
  const taxIdForm = taxIds
    ? `<div class="hint">${esc(m.taxIds)}</div>
  ${taxIdList}
  <form ${post} data-testid="tax-id-form">
    <input type="hidden" name="action" value="tax_id_add">
    <div class="row">
      <label for="tax-id-type">${esc(m.taxIdType)}
        <select id="tax-id-type" name="type">${modelledTaxIdTypes
          .map((x) => `<option value="${x}">${esc(m.taxIdTypes[x] ?? x)}</option>`)
          .join("")}</select>
      </label>
      <label for="tax-id-value">${esc(m.taxIdValue)}
        <input id="tax-id-value" name="value" placeholder="FR40303265045" required>
      </label>
    </div>
    <button type="submit" class="secondary" id="add-tax-id">${esc(m.addTaxId)}</button>
  </form>`
    : "";
  return `<section class="card" aria-label="${esc(m.billingInfo)}" data-testid="billing-info">
  <div class="hint">${esc(m.billingInfo)}</div>
  ${addressForm}
  ${taxIdForm}
</section>`;
}

/**
 * The Invoice history card (configuration `features.invoice_history`): the customer's finalized
 * invoices, newest first, subscription periods and Checkout post-payment invoices alike: date,
 * what, amount, status and the hosted invoice page.
 */
function invoiceHistorySection(ctx: Ctx, session: Stripe.BillingPortal.Session): string {
  const lang = langOf(session.locale);
  const m = t(lang);
  // Newest first as GET /v1/invoices lists them: by created, and in creation order within a second
  // (the ids are held oldest first, and the sort keeps the order of ties).
  const invoices = [...ctx.store.ids("invoice")]
    .reverse()
    .flatMap((id) => {
      const x = ctx.store.get("invoice", id);
      return x && x.customer === session.customer && x.status !== "draft" ? [x] : [];
    })
    .sort((a, b) => b.created - a.created)
    .slice(0, 24);
  const rows = invoices
    .map((x) => {
      const what = x.lines.data.map((l) => l.description ?? "").join(", ");
      return `<li class="line" data-testid="invoice-row" data-invoice="${esc(x.id)}">
      <span>${esc(date(x.created, lang))}</span>
      <span data-testid="invoice-what">${esc(what)}</span>
      <span data-testid="invoice-amount">${esc(money(x.total, x.currency, lang))}</span>
      <span class="status ${esc(x.status ?? "")}" data-testid="invoice-status">${esc(m.invoiceStatus[x.status ?? ""] ?? x.status)}</span>
      ${x.hosted_invoice_url ? `<a href="${esc(x.hosted_invoice_url)}" data-testid="invoice-link">${esc(m.viewInvoice)}</a>` : ""}
    </li>`;
    })
    .join("");
  return `<section class="card" aria-label="${esc(m.invoiceHistory)}" data-testid="invoice-history">
  <div class="hint">${esc(m.invoiceHistory)}</div>
  ${rows ? `<ul class="invoices">${rows}</ul>` : `<p class="hint">${esc(m.noInvoices)}</p>`}
</section>`;
}

/** The card error a notice that is not in noticeMessages reports. */
function noticeError(n: PortalNotice) {
  return n === "card_declined"
    ? "declined"
    : n === "card_incorrect"
      ? "incorrect"
      : n === "card_expiry"
        ? "expiry"
        : "cvc";
}

function paymentMethodSection(ctx: Ctx, session: Stripe.BillingPortal.Session, subs: Stripe.Subscription[]): string {
  const m = t(langOf(session.locale));
  const card = subs.map((s) => ctx.store.get("subscription_state", s.id)?.card ?? "").find((c) => c !== "") ?? "";
  return `<section class="card" aria-label="${esc(m.paymentMethod)}" data-testid="payment-method">
  <div class="hint">${esc(m.paymentMethod)}</div>
  <div data-testid="card-on-file">${esc(card ? m.cardEnding(card.slice(-4)) : m.noCard)}</div>
  <form method="post" action="/portal/${esc(session.id)}" novalidate>
    <input type="hidden" name="action" value="card">
    <label for="cardNumber">${esc(m.cardNumber)}
      <input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required>
    </label>
    <div class="row">
      <label for="cardExpiry">${esc(m.expiry)}
        <input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="${esc(m.expiryPlaceholder)}" required>
      </label>
      <label for="cardCvc">${esc(m.cvc)}
        <input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required>
      </label>
    </div>
    <button type="submit" class="secondary" id="update-card">${esc(m.updateCard)}</button>
  </form>
</section>`;
}

/** The customer portal: the customer's subscriptions, cancel / resume / switch price, the card, back to return_url. */
export function portalPage(
  ctx: Ctx,
  session: Stripe.BillingPortal.Session,
  notice: PortalNotice | null = null,
): string {
  const lang = langOf(session.locale);
  const m = t(lang);
  const customer = ctx.store.get("customer", session.customer);
  const configId = typeof session.configuration === "string" ? session.configuration : session.configuration.id;
  const config = ctx.store.get("portal_configuration", configId) ?? defaultConfigurationOf(ctx);
  const subs = ctx.store
    .subscriptionIdsOf(session.customer)
    .flatMap((id) => {
      const s = ctx.store.get("subscription", id);
      return s ? [s] : [];
    })
    .reverse();
  const visible = subs.filter((s) => s.status !== "canceled" && s.status !== "incomplete_expired");
  const shown = visible.length > 0 ? visible : subs.slice(0, 1);
  const back = session.return_url
    ? `<a class="back" href="${esc(session.return_url)}" id="return-link">← ${esc(m.returnTo)}</a>`
    : "";
  return layout({
    lang,
    title: m.portalTitle,
    body: `<main>
  <section class="summary">
    ${back}
    <div class="merchant">Gatehouse</div>
    <h1>${esc(m.portalTitle)}</h1>
    <p class="hint">${esc(customer?.email ?? "")}</p>
  </section>
  <section class="pane">
    ${
      notice === null
        ? ""
        : noticeText(m, notice).error
          ? `<p class="error" role="alert" id="portal-error">${esc(noticeText(m, notice).text)}</p>`
          : `<p class="hint" role="status" id="portal-notice">${esc(noticeText(m, notice).text)}</p>`
    }
    ${shown.length ? shown.map((s) => subscriptionCard(ctx, session, config, s)).join("") : `<p>${esc(m.noSubscriptions)}</p>`}
    ${config.features.payment_method_update.enabled && visible.length > 0 ? paymentMethodSection(ctx, session, visible) : ""}
    ${billingInfoSection(ctx, session, config)}
    ${config.features.invoice_history.enabled ? invoiceHistorySection(ctx, session) : ""}
  </section>
</main>`,
  });
}
