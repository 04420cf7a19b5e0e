import type Stripe from "stripe";
import type { PaymentDetail } from "../store.ts";
import { taxRateOf } from "../tax.ts";
import { date, esc, layout, money } from "./html.ts";
import { langOf, t } from "./i18n.ts";

/** A charge's receipt: what was bought, subtotal, tax (rate and amount), total, refunds. EN or FR by the session's locale. */
export function receiptPage(charge: Stripe.Charge, detail: PaymentDetail | undefined): string {
  const lang = langOf(detail?.locale);
  const m = t(lang);
  const cur = charge.currency;
  const rate = taxRateOf(detail?.country);
  const taxRow =
    detail && rate && detail.tax > 0
      ? `<div class="line" id="receipt-tax"><span>${esc(m.taxLine(rate.label[lang], detail.taxPercentage))}</span><span>${esc(money(detail.tax, cur, lang))}</span></div>`
      : "";
  const refunded =
    charge.amount_refunded > 0
      ? `<p class="status" id="receipt-refunded">${esc(m.receiptRefunded(money(charge.amount_refunded, cur, lang)))}</p>`
      : "";
  return layout({
    lang,
    title: m.receiptTitle,
    body: `<main style="display:block"><div class="center" style="text-align:left">
  <h2>${esc(m.receiptTitle)}</h2>
  <p>${esc(detail?.description ?? charge.description ?? "")}</p>
  <div class="line"><span>${esc(m.receiptDate)}</span><span>${esc(date(charge.created, lang))}</span></div>
  ${detail ? `<div class="line"><span>${esc(m.subtotal)}</span><span>${esc(money(detail.subtotal, cur, lang))}</span></div>` : ""}
  ${taxRow}
  <div class="line"><span>${esc(m.receiptPaid)}</span><strong id="receipt-total">${esc(money(charge.amount, cur, lang))}</strong></div>
  ${refunded}
</div></main>`,
  });
}
