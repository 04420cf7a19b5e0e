import type Stripe from "stripe";
import type { Ctx } from "../context.ts";
import { canSkipCard } from "../lifecycle.ts";
import { esc, layout, money } from "./html.ts";
import { langOf, perInterval, t } from "./i18n.ts";

export type CheckoutFormError = "declined" | "incorrect" | "email" | "expiry" | "cvc";

export interface CheckoutForm {
  email?: string;
  name?: string;
  error?: CheckoutFormError;
}

/** A page that says the session cannot be paid (complete, expired, unknown). */
export function checkoutClosedPage(session: Stripe.Checkout.Session | undefined): string {
  const lang = langOf(session?.locale);
  const m = t(lang);
  const [title, body] = !session
    ? [m.notFound, ""]
    : session.status === "complete"
      ? [m.completeTitle, m.completeBody]
      : [m.expiredTitle, m.expiredBody];
  const back =
    session?.status === "complete"
      ? session.success_url?.replaceAll("{CHECKOUT_SESSION_ID}", session.id)
      : session?.cancel_url;
  return layout({
    lang,
    title,
    body: `<main style="display:block"><div class="center"><h2>${esc(title)}</h2><p>${esc(body)}</p>${
      back ? `<a class="button" href="${esc(back)}">${esc(m.back)}</a>` : ""
    }</div></main>`,
  });
}

/** The hosted checkout page: plan and price on the left, contact and card form on the right. */
export function checkoutPage(ctx: Ctx, session: Stripe.Checkout.Session, form: CheckoutForm = {}): string {
  const lang = langOf(session.locale);
  const m = t(lang);
  const state = ctx.store.get("session_state", session.id);
  const first = state?.lineItems[0];
  const price = first ? ctx.store.get("price", first.price) : undefined;
  const productId = price ? (typeof price.product === "string" ? price.product : price.product.id) : "";
  const product = ctx.store.get("product", productId);
  const currency = price?.currency ?? "eur";
  const amount = (price?.unit_amount ?? 0) * (first?.quantity ?? 1);
  const trialDays = state?.trialPeriodDays ?? price?.recurring?.trial_period_days ?? null;
  const per = perInterval(lang, price?.recurring?.interval);
  const email =
    session.customer_email ??
    (typeof session.customer === "string" ? ctx.store.get("customer", session.customer)?.email : null) ??
    form.email ??
    "";
  const emailLocked = Boolean(session.customer_email ?? (typeof session.customer === "string" && email));
  const error = form.error ? m.errors[form.error] : null;
  const cardOptional = canSkipCard(ctx, session);
  const req = cardOptional ? "" : " required";
  const cancel = session.cancel_url
    ? `<a class="back" href="${esc(session.cancel_url)}" id="cancel-link">← ${esc(m.back)}</a>`
    : "";
  const priceLine = trialDays
    ? `<p class="amount">${esc(m.trialDays(trialDays))}</p><p class="per">${esc(m.thenPrice(`${money(amount, currency, lang)} ${per}`))}</p>`
    : `<p class="amount">${esc(money(amount, currency, lang))} <span class="per">${esc(per)}</span></p>`;
  return layout({
    lang,
    title: `${m.subscribeTo} ${product?.name ?? ""}`,
    body: `<main>
  <section class="summary" aria-label="${esc(m.subscribeTo)}">
    ${cancel}
    <div class="merchant">Gatehouse</div>
    <h1>${esc(m.subscribeTo)} ${esc(product?.name ?? "")}</h1>
    ${priceLine}
    ${product?.description ? `<p class="hint">${esc(product.description)}</p>` : ""}
    <div class="line"><span>${esc(m.totalToday)}</span><strong>${esc(money(trialDays ? 0 : amount, currency, lang))}</strong></div>
  </section>
  <section class="pane">
    <form method="post" action="/checkout/${esc(session.id)}" aria-label="${esc(m.payment)}" novalidate>
      ${error ? `<div class="error" role="alert" id="card-errors">${esc(error)}</div>` : ""}
      <fieldset>
        <legend>${esc(m.contact)}</legend>
        <label for="email">${esc(m.email)}
          <input id="email" name="email" type="email" autocomplete="email" required value="${esc(email)}"${emailLocked ? " readonly" : ""}>
        </label>
      </fieldset>
      <fieldset>
        <legend>${esc(m.cardInfo)}</legend>
        ${cardOptional ? `<p class="hint" id="card-optional">${esc(m.cardOptional)}</p>` : ""}
        <label for="cardNumber">${esc(m.cardNumber)}
          <input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"${req}>
        </label>
        <div class="row">
          <label for="cardExpiry">${esc(m.expiry)}
            <input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="${esc(m.expiryPlaceholder)}"${req}>
          </label>
          <label for="cardCvc">${esc(m.cvc)}
            <input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC"${req}>
          </label>
        </div>
        <label for="billingName">${esc(m.name)}
          <input id="billingName" name="billingName" autocomplete="cc-name" value="${esc(form.name ?? "")}">
        </label>
      </fieldset>
      <button type="submit" id="submit">${esc(trialDays ? m.startTrial : m.pay)}</button>
      <p class="hint">${esc(m.testHint)}</p>
    </form>
  </section>
</main>`,
  });
}
