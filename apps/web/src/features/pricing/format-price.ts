// Prices as the pricing cards, the plan-change dialog and the account show them. An
// Intl.NumberFormat is costly to build (ICU's currency data): the landing's plans, rendered when
// their read answers, built two per price and spent 137 ms at 4× CPU throttling in that one task
// (issue 20). One formatter per locale and currency is kept, and a whole amount drops the
// fraction from its parts instead of needing a formatter of its own.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(intlLocale: string, currency: string): Intl.NumberFormat {
  const key = `${intlLocale}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale, { style: "currency", currency });
    formatters.set(key, format);
  }
  return format;
}

/** Formats an amount in the currency's minor unit (Stripe's unit_amount) for the given Intl locale. */
export function formatPrice(unitAmount: number, currency: string, intlLocale: string): string {
  const format = formatter(intlLocale, currency.toUpperCase());
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const value = unitAmount / 10 ** digits;
  // Every decimal of the currency (€7.50), or none for a whole amount ($9, not $9.00).
  if (!Number.isInteger(value)) return format.format(value);
  return format
    .formatToParts(value)
    .filter((part) => part.type !== "decimal" && part.type !== "fraction")
    .map((part) => part.value)
    .join("");
}
