// What Gatehouse sells, as `stripe:setup` creates it in Stripe. Edit to sell something else.
// Features are Stripe Entitlements features (lookup keys); each product lists the features it
// gives, and premium rows in the database name the feature they need (premium_content.feature).
export const FEATURES = [
  { lookupKey: "library.basic", name: "The lesson library" },
  { lookupKey: "library.pro", name: "Advanced lessons" },
  { lookupKey: "downloads", name: "Downloads" },
] as const;
export type FeatureKey = (typeof FEATURES)[number]["lookupKey"];

export interface CatalogPrice {
  lookupKey: string;
  unitAmount: number;
  currency: "eur";
  /** Billing interval; null: a one-time price (bought once, e.g. lifetime access). */
  interval: "month" | "year" | null;
  /** Days of free trial this price gives a first-time subscriber (null: none). */
  trialPeriodDays: number | null;
  /** The same price in other currencies (Stripe's currency_options), minor units. */
  currencyOptions?: { usd: number };
  /**
   * Whether tax is included in the amount or added to it (Stripe's tax_behavior). The EUR amounts
   * include VAT, as European buyers expect; the USD amounts are before sales tax.
   */
  taxBehavior?: { eur: "inclusive" | "exclusive"; usd: "inclusive" | "exclusive" };
}

const EU_INCLUSIVE_US_EXCLUSIVE = { eur: "inclusive", usd: "exclusive" } as const;

export interface CatalogProduct {
  id: string;
  name: string;
  description: string;
  /** The tier key (metadata.entitlement): marks the product as Gatehouse's. */
  tier: string;
  features: readonly FeatureKey[];
  prices: readonly CatalogPrice[];
}

export const CATALOG: { products: readonly CatalogProduct[] } = {
  products: [
    {
      id: "gatehouse_basic",
      name: "Gatehouse Basic",
      description: "The lesson library, updated monthly.",
      tier: "basic",
      features: ["library.basic"],
      prices: [
        {
          lookupKey: "gatehouse_basic_monthly",
          unitAmount: 900,
          currency: "eur",
          interval: "month",
          trialPeriodDays: null,
          currencyOptions: { usd: 1000 },
          taxBehavior: EU_INCLUSIVE_US_EXCLUSIVE,
        },
        {
          lookupKey: "gatehouse_basic_yearly",
          unitAmount: 9000,
          currency: "eur",
          interval: "year",
          trialPeriodDays: null,
          currencyOptions: { usd: 10000 },
          taxBehavior: EU_INCLUSIVE_US_EXCLUSIVE,
        },
      ],
    },
    {
      id: "gatehouse_pro",
      name: "Gatehouse Pro",
      description: "Every lesson, the advanced track and the downloads.",
      tier: "pro",
      features: ["library.basic", "library.pro", "downloads"],
      prices: [
        {
          lookupKey: "gatehouse_pro_monthly",
          unitAmount: 1900,
          currency: "eur",
          interval: "month",
          trialPeriodDays: 7,
          currencyOptions: { usd: 2100 },
          taxBehavior: EU_INCLUSIVE_US_EXCLUSIVE,
        },
        {
          lookupKey: "gatehouse_pro_yearly",
          unitAmount: 19000,
          currency: "eur",
          interval: "year",
          trialPeriodDays: 7,
          currencyOptions: { usd: 21000 },
          taxBehavior: EU_INCLUSIVE_US_EXCLUSIVE,
        },
      ],
    },
    {
      // Pro's features, paid once (a one-time price: Checkout in payment mode, issue 16).
      id: "gatehouse_lifetime",
      name: "Gatehouse Lifetime",
      description: "Everything in Pro, paid once, yours for good.",
      tier: "pro",
      features: ["library.basic", "library.pro", "downloads"],
      prices: [
        {
          lookupKey: "gatehouse_lifetime",
          unitAmount: 29900,
          currency: "eur",
          interval: null,
          trialPeriodDays: null,
          currencyOptions: { usd: 32900 },
          taxBehavior: EU_INCLUSIVE_US_EXCLUSIVE,
        },
      ],
    },
  ],
};

/**
 * Set by `stripe:setup` on every price it creates (and on the catalog's prices it finds): only
 * prices carrying it are sold (checkout_context checks the mirrored metadata).
 */
export const CATALOG_PRICE_METADATA = { gatehouse_catalog: "true" } as const;
