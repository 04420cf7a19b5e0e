import type Stripe from "stripe";
import { taxRateOf } from "../tax.ts";
import { date, esc, layout, money } from "./html.ts";
import { type Lang, t } from "./i18n.ts";

/** The invoice's tax lines: the sandbox's rate ids name the country and percentage (`txr_sandbox_FR_20`). */
function taxLines(invoice: Stripe.Invoice, lang: Lang): string {
  const m = t(lang);
  return (invoice.total_taxes ?? [])
    .filter((x) => x.amount > 0)
    .map((x) => {
      const rateId = typeof x.tax_rate_details?.tax_rate === "string" ? x.tax_rate_details.tax_rate : "";
      const [, country = "", pct = "0"] = /^txr_sandbox_([A-Z]*)_(\d+)$/.exec(rateId) ?? [];
      const label = taxRateOf(country)?.label[lang] ?? m.total;
      const text = x.tax_behavior === "inclusive" ? m.taxIncluded(label, Number(pct)) : m.taxLine(label, Number(pct));
      return `<div class="line" data-testid="invoice-tax"><span>${esc(text)}</span><span>${esc(money(x.amount, invoice.currency, lang))}</span></div>`;
    })
    .join("");
}

/**
 * Stripe's hosted invoice page (`hosted_invoice_url`): number, dates, lines, tax, total and what
 * was paid, in the language of the customer's first preferred locale (English otherwise).
 */
export function invoicePage(invoice: Stripe.Invoice, lang: Lang): string {
  const m = t(lang);
  const cur = invoice.currency;
  const paidAt = invoice.status_transitions.paid_at;
  const lines = invoice.lines.data
    .map(
      (l) =>
        `<div class="line" data-testid="invoice-line"><span>${esc(l.description ?? "")}</span><span>${esc(money(l.amount, cur, lang))}</span></div>`,
    )
    .join("");
  return layout({
    lang,
    title: `${m.invoiceTitle} ${invoice.number ?? ""}`,
    body: `<main style="display:block"><div class="center" style="text-align:left">
  <h2>${esc(m.invoiceTitle)} <span class="status ${esc(invoice.status ?? "")}" data-testid="invoice-status">${esc(m.invoiceStatus[invoice.status ?? "draft"] ?? invoice.status)}</span></h2>
  ${invoice.description ? `<p>${esc(invoice.description)}</p>` : ""}
  <div class="line"><span>${esc(m.invoiceNumber)}</span><span data-testid="invoice-number">${esc(invoice.number ?? "")}</span></div>
  <div class="line"><span>${esc(m.invoiceDate)}</span><span>${esc(date(invoice.created, lang))}</span></div>
  ${paidAt ? `<div class="line"><span>${esc(m.datePaid)}</span><span>${esc(date(paidAt, lang))}</span></div>` : ""}
  ${lines}
  <div class="line"><span>${esc(m.subtotal)}</span><span>${esc(money(invoice.total_excluding_tax ?? invoice.subtotal, cur, lang))}</span></div>
  ${taxLines(invoice, lang)}
  <div class="line"><span>${esc(m.total)}</span><strong data-testid="invoice-total">${esc(money(invoice.total, cur, lang))}</strong></div>
  <div class="line"><span>${esc(invoice.status === "paid" ? m.receiptPaid : m.amountDue)}</span><span>${esc(money(invoice.status === "paid" ? invoice.amount_paid : invoice.amount_remaining, cur, lang))}</span></div>
  ${invoice.footer ? `<p class="hint">${esc(invoice.footer)}</p>` : ""}
</div></main>`,
  });
}
