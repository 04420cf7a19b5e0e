import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod/mini";
import type { OneTimeOffer, Plan, PriceAmount, TaxBehavior } from "./get-plans.ts";

// The catalog reads (RLS: active rows only) and their validation. Loaded on demand by the plans'
// queries (get-plans.ts), with supabase-js.

const productRow = z.object({
  id: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  entitlement: z.nullable(z.string()),
  metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});

const intervalSchema = z.nullable(z.enum(["day", "week", "month", "year"]));

const priceRow = z.object({
  id: z.string(),
  product_id: z.string(),
  currency: z.string(),
  unit_amount: z.nullable(z.coerce.number()),
  interval: intervalSchema,
  interval_count: z.nullable(z.number()),
  trial_period_days: z.nullable(z.number()),
  lookup_key: z.nullable(z.string()),
  type: z.optional(z.nullable(z.string())),
  tax_behavior: z.optional(z.nullable(z.string())),
  currency_options: z.optional(
    z.nullable(
      z.record(
        z.string(),
        z.object({ unit_amount: z.nullable(z.coerce.number()), tax_behavior: z.optional(z.nullable(z.string())) }),
      ),
    ),
  ),
});

const productFeatureRow = z.object({ product_id: z.string(), feature: z.string() });

/** Reads `name_<locale>` / `description_<locale>` keys from product metadata. */
function translationsFrom(metadata: Record<string, unknown>): Plan["translations"] {
  const out: NonNullable<Plan["translations"]> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const match = /^(name|description)_([a-z]{2})$/.exec(key);
    if (!match || typeof value !== "string" || value.trim() === "") continue;
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

/** The price's amount in each currency it is sold in, or nothing when the mirror has no options. */
export function amountsOf(price: z.infer<typeof priceRow>): { amounts?: Record<string, PriceAmount> } {
  if (price.tax_behavior === undefined && price.currency_options === undefined) return {};
  const amounts: Record<string, PriceAmount> = {
    [price.currency]: { unitAmount: price.unit_amount ?? 0, taxBehavior: taxBehaviorOf(price.tax_behavior) },
  };
  for (const [currency, option] of Object.entries(price.currency_options ?? {})) {
    if (option.unit_amount === null) continue;
    amounts[currency] = { unitAmount: option.unit_amount, taxBehavior: taxBehaviorOf(option.tax_behavior) };
  }
  return { amounts };
}

export async function fetchOneTimeOffers(client: SupabaseClient): Promise<OneTimeOffer[]> {
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
  const productRows = z.array(productRow).parse(products.data);
  const featureRows = z.array(productFeatureRow).parse(features.data);
  return z
    .array(priceRow)
    .parse(prices.data)
    .filter((price) => price.type === "one_time" && price.unit_amount !== null)
    .flatMap((price) => {
      const product = productRows.find((p) => p.id === price.product_id);
      if (!product) return [];
      const { metadata, ...rest } = product;
      return [
        {
          plan: {
            ...rest,
            translations: translationsFrom(metadata ?? {}),
            features: featureRows
              .filter((f) => f.product_id === product.id)
              .map((f) => f.feature)
              .sort(),
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
export async function fetchPlans(client: SupabaseClient): Promise<Plan[]> {
  const [products, prices, features] = await Promise.all([
    client.from("products").select("id,name,description,entitlement,metadata").eq("active", true),
    client
      .from("prices")
      .select(
        "id,product_id,currency,unit_amount,interval,interval_count,trial_period_days,lookup_key,type,tax_behavior,currency_options",
      )
      .eq("active", true),
    // RLS returns the features of active products only.
    client.from("product_features").select("product_id,feature"),
  ]);
  if (products.error) throw new Error(products.error.message);
  if (prices.error) throw new Error(prices.error.message);
  if (features.error) throw new Error(features.error.message);
  const productRows = z.array(productRow).parse(products.data);
  const priceRows = z.array(priceRow).parse(prices.data);
  const featureRows = z.array(productFeatureRow).parse(features.data);
  const plans = productRows.map<Plan>(({ metadata, ...product }) => ({
    ...product,
    translations: translationsFrom(metadata ?? {}),
    features: featureRows
      .filter((f) => f.product_id === product.id)
      .map((f) => f.feature)
      .sort(),
    prices: priceRows
      .filter((price) => price.product_id === product.id && price.interval !== null && price.unit_amount !== null)
      .map((price) => ({
        id: price.id,
        currency: price.currency,
        unitAmount: price.unit_amount ?? 0,
        interval: price.interval ?? "month",
        intervalCount: price.interval_count ?? 1,
        trialPeriodDays: price.trial_period_days,
        lookupKey: price.lookup_key,
        ...amountsOf(price),
      }))
      .sort((a, b) => a.unitAmount - b.unitAmount),
  }));
  const cheapest = (plan: Plan) => Math.min(...plan.prices.map((price) => price.unitAmount));
  return plans.filter((plan) => plan.prices.length > 0).sort((a, b) => cheapest(a) - cheapest(b));
}
