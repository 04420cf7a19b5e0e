/**
 * Stripe Tax, simplified for the sandbox: a fixed rate per country (no registrations, no product
 * tax codes, no thresholds). Real Stripe Tax decides from the seller's registrations and the
 * buyer's location; this table stands in for "registered in FR, DE and GB; the US is not taxed".
 */
export interface TaxRate {
  /** Percentage, e.g. 20 for 20 %. */
  percentage: number;
  /** Stripe's `tax_type` for the country. */
  taxType: "vat" | "sales_tax";
  /** The label the hosted pages show ("VAT", "TVA"). */
  label: { en: string; fr: string };
}

export const TAX_RATES: Readonly<Record<string, TaxRate>> = {
  FR: { percentage: 20, taxType: "vat", label: { en: "VAT", fr: "TVA" } },
  DE: { percentage: 19, taxType: "vat", label: { en: "VAT", fr: "TVA" } },
  GB: { percentage: 20, taxType: "vat", label: { en: "VAT", fr: "TVA" } },
  US: { percentage: 0, taxType: "sales_tax", label: { en: "Sales tax", fr: "Taxe de vente" } },
};

/** Countries the hosted checkout offers in its address form (ISO 3166-1 alpha-2). */
export const CHECKOUT_COUNTRIES = ["US", "FR", "DE", "GB", "BE", "CA", "ES", "IT", "NL", "CH"] as const;

export function taxRateOf(country: string | null | undefined): TaxRate | null {
  if (!country) return null;
  return TAX_RATES[country.toUpperCase()] ?? null;
}

export type TaxBehavior = "inclusive" | "exclusive";

export interface TaxAmounts {
  /** The amount before tax (for inclusive prices: the price minus the tax it contains). */
  net: number;
  tax: number;
  /** What the buyer pays. */
  total: number;
  percentage: number;
}

/**
 * The tax on `amount` (minor units) for `country`. Exclusive prices add the tax; inclusive ones
 * contain it. An unlisted country (or no country) is not taxed. Rounded half up per line, as Stripe does.
 */
export function computeTax(amount: number, country: string | null | undefined, behavior: TaxBehavior): TaxAmounts {
  const percentage = taxRateOf(country)?.percentage ?? 0;
  if (behavior === "inclusive") {
    const net = Math.round((amount * 100) / (100 + percentage));
    return { net, tax: amount - net, total: amount, percentage };
  }
  const tax = Math.round((amount * percentage) / 100);
  return { net: amount, tax, total: amount + tax, percentage };
}

/**
 * A price's tax behaviour as Stripe Tax applies it: `unspecified` takes the account's default, which
 * the stand-in sets to `exclusive` (Stripe's dashboard default when a seller turns Tax on).
 */
export function behaviorOf(taxBehavior: string | null | undefined): TaxBehavior {
  return taxBehavior === "inclusive" ? "inclusive" : "exclusive";
}
