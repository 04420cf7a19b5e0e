import type { Db, Json, Tables } from "@gatehouse/types";
import { billingInterval, currencyOptions, stringMetadata } from "@gatehouse/types/db-columns";
import type { OneTimeOffer, Plan, PriceAmount, TaxBehavior } from "./get-plans.ts";

// The catalog reads (RLS: active rows only), typed by the generated rows; the jsonb columns and
// the interval narrowed by @gatehouse/types/db-columns. Loaded on demand by the plans'
// queries (get-plans.ts), with supabase-js.

/** The columns of public.prices the pricing page reads. */
type PriceRow = Pick<
  Tables<"prices">,
  | "id"
  | "product_id"
  | "currency"
  | "unit_amount"
  | "interval"
  | "interval_count"
  | "trial_period_days"
  | "lookup_key"
  | "type"
  | "tax_behavior"
  | "currency_options"
>;

/** Reads `name_<locale>` / `description_<locale>` keys from product metadata. */
function translationsFrom(metadata: Json): Plan["translations"] {
  const out: NonNullable<Plan["translations"]> = {};
  for (const [key, value] of Object.entries(stringMetadata(metadata))) {
    const match = /^(name|description)_([a-z]{2})$/.exec(key);
    if (!match || value.trim() === "") continue;
    const [, field, locale] = match;
    if (!field || !locale) continue;
    const entry = out[locale] ?? {};
    if (field === "name") entry.name = value;
    else entry.description = value;
    out[locale] = entry;
  }
  return out;
}

const taxBehaviorOf = (v: string | null | undefined): TaxBehavior =>
  v === "inclusive" || v === "exclusive" ? v : null;

/** The price's amount in each currency it is sold in: its own, then its currency_options. */
export function amountsOf(price: PriceRow): { amounts: Record<string, PriceAmount> } {
  const amounts: Record<string, PriceAmount> = {
    [price.currency]: { unitAmount: price.unit_amount ?? 0, taxBehavior: taxBehaviorOf(price.tax_behavior) },
  };
  for (const [currency, option] of Object.entries(currencyOptions(price.currency_options))) {
    amounts[currency] = { unitAmount: option.unitAmount, taxBehavior: taxBehaviorOf(option.taxBehavior) };
  }
  return { amounts };
}

/** The catalog's three reads (RLS: active products, prices and their features only). */
async function readCatalog(client: Db) {
  const [products, prices, features] = await Promise.all([
    client.from("products").select("id,name,description,entitlement,metadata").eq("active", true),
    client
      .from("prices")
      .select(
        "id,product_id,currency,unit_amount,interval,interval_count,trial_period_days,lookup_key,type,tax_behavior,currency_options",
      )
      .eq("active", true),
    client.from("product_features").select("product_id,feature"),
  ]);
  if (products.error) throw new Error(products.error.message);
  if (prices.error) throw new Error(prices.error.message);
  if (features.error) throw new Error(features.error.message);
  return { productRows: products.data, priceRows: prices.data, featureRows: features.data };
}

/**
 * The pricing page asks for the plans and the one-time offers at once: both share one read while it
 * is in flight (three requests, not six). Nothing is kept once it has answered.
 */
let catalogInFlight: { client: Db; rows: ReturnType<typeof readCatalog> } | null = null;
function catalogRows(client: Db): ReturnType<typeof readCatalog> {
  if (catalogInFlight?.client === client) return catalogInFlight.rows;
  const rows = readCatalog(client);
  const entry = { client, rows };
  catalogInFlight = entry;
  const clear = () => {
    if (catalogInFlight === entry) catalogInFlight = null;
  };
  rows.then(clear, clear);
  return rows;
}

type FeatureRow = Awaited<ReturnType<typeof readCatalog>>["featureRows"][number];
const featuresOf = (featureRows: readonly FeatureRow[], productId: string) =>
  featureRows
    .filter((f) => f.product_id === productId)
    .map((f) => f.feature)
    .sort();

export async function fetchOneTimeOffers(client: Db): Promise<OneTimeOffer[]> {
  const { productRows, priceRows, featureRows } = await catalogRows(client);
  return priceRows
    .filter((price) => price.type === "one_time" && price.unit_amount !== null)
    .flatMap((price) => {
      const product = productRows.find((p) => p.id === price.product_id);
      if (!product) return [];
      const { metadata, ...rest } = product;
      return [
        {
          plan: {
            ...rest,
            translations: translationsFrom(metadata),
            features: featuresOf(featureRows, product.id),
          },
          price: {
            id: price.id,
            currency: price.currency,
            unitAmount: price.unit_amount ?? 0,
            interval: "month" as const,
            intervalCount: 1,
            trialPeriodDays: null,
            lookupKey: price.lookup_key,
            ...amountsOf(price),
          },
        },
      ];
    });
}

/** Active products with their active recurring prices, cheapest plan first. RLS hides inactive rows. */
export async function fetchPlans(client: Db): Promise<Plan[]> {
  const { productRows, priceRows, featureRows } = await catalogRows(client);
  const plans = productRows.map<Plan>(({ metadata, ...product }) => ({
    ...product,
    translations: translationsFrom(metadata),
    features: featuresOf(featureRows, product.id),
    prices: priceRows
      .flatMap((price) => {
        const interval = billingInterval(price.interval);
        if (price.product_id !== product.id || interval === null || price.unit_amount === null) return [];
        return [
          {
            id: price.id,
            currency: price.currency,
            unitAmount: price.unit_amount,
            interval,
            intervalCount: price.interval_count ?? 1,
            trialPeriodDays: price.trial_period_days,
            lookupKey: price.lookup_key,
            ...amountsOf(price),
          },
        ];
      })
      .sort((a, b) => a.unitAmount - b.unitAmount),
  }));
  const cheapest = (plan: Plan) => Math.min(...plan.prices.map((price) => price.unitAmount));
  return plans.filter((plan) => plan.prices.length > 0).sort((a, b) => cheapest(a) - cheapest(b));
}
