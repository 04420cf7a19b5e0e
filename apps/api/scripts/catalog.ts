// The product Gatehouse sells, as `stripe:setup` creates it in Stripe. Edit to sell something else.
export const CATALOG = {
  product: {
    id: "gatehouse_pro",
    name: "Gatehouse Pro",
    description: "Every lesson in the library, updated monthly.",
    entitlement: "pro",
  },
  prices: [
    { lookupKey: "gatehouse_pro_monthly", unitAmount: 900, currency: "eur", interval: "month" },
    { lookupKey: "gatehouse_pro_yearly", unitAmount: 9000, currency: "eur", interval: "year" },
  ],
} as const;

/**
 * Set by `stripe:setup` on every price it creates (and on the catalog's prices it finds): only
 * prices carrying it are sold (checkout_context checks the mirrored metadata).
 */
export const CATALOG_PRICE_METADATA = { gatehouse_catalog: "true" } as const;
