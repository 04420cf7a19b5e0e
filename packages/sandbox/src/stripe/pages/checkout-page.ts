import type Stripe from "stripe";
import type { Ctx } from "../context.ts";
import { canSkipCard, sessionTrialDays } from "../lifecycle.ts";
import { buyerAddress, collectsTaxId, needsAddress, preselectedCountry } from "../payment-checkout.ts";
import { priceIn } from "../resources/prices.ts";
import { behaviorOf, CHECKOUT_COUNTRIES, computeTax, type TaxBehavior, taxRateOf } from "../tax.ts";
import { addressInputs } from "./address.ts";
import { esc, layout, money } from "./html.ts";
import { type Lang, langOf, perInterval, t } from "./i18n.ts";

export type CheckoutFormError = "declined" | "incorrect" | "email" | "expiry" | "cvc" | "address" | "taxId";

export interface CheckoutForm {
  email?: string;
  name?: string;
  address?: Stripe.Address | null;
  taxId?: string;
  error?: CheckoutFormError;
}

/** Tax and total for each country the form offers (the page's script swaps them as the buyer picks one). */
function taxTable(gross: number, behavior: TaxBehavior, lang: Lang, currency: string) {
  const m = t(lang);
  return Object.fromEntries(
    ["", ...CHECKOUT_COUNTRIES].map((country) => {
      const x = computeTax(gross, country || null, behavior);
      const rate = taxRateOf(country);
      const label = rate ? rate.label[lang] : m.taxPending;
      const line = !country
        ? m.taxPending
        : behavior === "inclusive"
          ? m.taxIncluded(label, x.percentage)
          : m.taxLine(label, x.percentage);
      return [country, { line, tax: money(x.tax, currency, lang), total: money(x.total, currency, lang) }];
    }),
  );
}

/** The address fields (country first: it decides the tax) and the optional tax ID. */
function addressFields(m: ReturnType<typeof t>, form: CheckoutForm, selected: string, taxId: boolean): string {
  return `<fieldset>
        <legend>${esc(m.billingAddress)}</legend>
        ${addressInputs(m, form.address, selected, { country: "country", line1: "line1", postalCode: "postalCode", city: "city" })}
        ${
          taxId
            ? `<label for="taxId">${esc(m.taxId)}
          <input id="taxId" name="taxId" value="${esc(form.taxId ?? "")}" placeholder="FR40303265045">
        </label>`
            : ""
        }
      </fieldset>`;
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
  const currency = session.currency ?? price?.currency ?? "eur";
  const inCurrency = price ? priceIn(ctx, price, currency) : null;
  const amount = (inCurrency?.unitAmount ?? 0) * (first?.quantity ?? 1);
  const payment = session.mode === "payment";
  const withAddress = needsAddress(session);
  const taxed = session.automatic_tax.enabled;
  const selected = (
    form.address?.country ??
    buyerAddress(ctx, session, null)?.country ??
    (form.error ? "" : preselectedCountry(session))
  ).toUpperCase();
  const table = taxTable(amount, behaviorOf(inCurrency?.taxBehavior), lang, currency);
  const current = table[selected] ?? table[""];
  const trialDays = state ? sessionTrialDays(state, price) : null;
  const per = payment ? m.oneTime : perInterval(lang, price?.recurring?.interval);
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
  const heading = payment ? m.buy : m.subscribeTo;
  const taxLines =
    taxed && !trialDays && current
      ? `<div class="line" id="subtotal-line"><span>${esc(m.subtotal)}</span><span>${esc(money(amount, currency, lang))}</span></div>
    <div class="line" id="tax-line"><span id="tax-label">${esc(current.line)}</span><span id="tax-amount">${esc(current.tax)}</span></div>`
      : "";
  const total = taxed && !trialDays && current ? current.total : money(trialDays ? 0 : amount, currency, lang);
  const script =
    taxed && !trialDays
      ? `<script>
  (() => {
    const table = ${JSON.stringify(table).replace(/</g, "\\u003c")};
    const select = document.getElementById("country");
    if (!select) return;
    select.addEventListener("change", () => {
      const row = table[select.value] || table[""];
      document.getElementById("tax-label").textContent = row.line;
      document.getElementById("tax-amount").textContent = row.tax;
      document.getElementById("total-amount").textContent = row.total;
    });
  })();
</script>`
      : "";
  return layout({
    lang,
    title: `${heading} ${product?.name ?? ""}`,
    body: `<main>
  <section class="summary" aria-label="${esc(heading)}">
    ${cancel}
    <div class="merchant">Gatehouse</div>
    <h1>${esc(heading)} ${esc(product?.name ?? "")}</h1>
    ${priceLine}
    ${product?.description ? `<p class="hint">${esc(product.description)}</p>` : ""}
    ${taxLines}
    <div class="line"><span>${esc(m.totalToday)}</span><strong id="total-amount">${esc(total)}</strong></div>
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
      ${withAddress ? addressFields(m, form, selected, collectsTaxId(ctx, session)) : ""}
      <button type="submit" id="submit">${esc(trialDays ? m.startTrial : payment ? m.payNow : m.pay)}</button>
      <p class="hint">${esc(m.testHint)}</p>
    </form>
  </section>
</main>
${script}`,
  });
}
