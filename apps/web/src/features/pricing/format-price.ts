// Prices as the pricing cards, the plan-change dialog and the account show them. An
// Intl.NumberFormat costs about 2 ms of a slow machine's CPU to build (8 ms at 4× throttling): the
// landing's plans, rendered when their read answers, built two per price and spent 137 ms at 4× in
// that one task (issue 20). Each locale, currency and precision gets one formatter, kept.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(intlLocale: string, currency: string, digits?: { min: number; max: number }): Intl.NumberFormat {
  const key = `${intlLocale}|${currency}|${digits ? `${digits.min}-${digits.max}` : ""}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale, {
      style: "currency",
      currency,
      ...(digits ? { minimumFractionDigits: digits.min, maximumFractionDigits: digits.max } : {}),
    });
    formatters.set(key, format);
  }
  return format;
}

/** Formats an amount in the currency's minor unit (Stripe's unit_amount) for the given Intl locale. */
export function formatPrice(unitAmount: number, currency: string, intlLocale: string): string {
  const code = currency.toUpperCase();
  const digits = formatter(intlLocale, code).resolvedOptions().maximumFractionDigits ?? 2;
  const value = unitAmount / 10 ** digits;
  // A whole amount shows no decimals ($9), another all of the currency's (€7.50).
  return formatter(intlLocale, code, { min: Number.isInteger(value) ? 0 : digits, max: digits }).format(value);
}
