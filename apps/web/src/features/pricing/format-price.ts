/** Formats an amount in the currency's minor unit (Stripe's unit_amount) for the given Intl locale. */
export function formatPrice(unitAmount: number, currency: string, intlLocale: string): string {
  const code = currency.toUpperCase();
  const digits =
    new Intl.NumberFormat(intlLocale, { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ??
    2;
  const value = unitAmount / 10 ** digits;
  const whole = Number.isInteger(value);
  return new Intl.NumberFormat(intlLocale, {
    style: "currency",
    currency: code,
    minimumFractionDigits: whole ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(value);
}
