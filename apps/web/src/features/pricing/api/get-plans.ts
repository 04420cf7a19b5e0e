import type { SupabaseClient } from "@supabase/supabase-js";
import { queryOptions, useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

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
});

export type BillingInterval = NonNullable<z.infer<typeof intervalSchema>>;

export interface PlanPrice {
  id: string;
  currency: string;
  /** In the currency's minor unit (cents), as Stripe stores it. */
  unitAmount: number;
  interval: BillingInterval;
  intervalCount: number;
  trialPeriodDays: number | null;
  lookupKey: string | null;
}

export interface Plan {
  id: string;
  name: string;
  description: string | null;
  /** Translations from the Stripe product's metadata (`name_fr`, `description_fr`), by locale. */
  translations?: Partial<Record<string, { name?: string; description?: string }>>;
  entitlement: string | null;
  /** The features (lookup keys) the plan gives, as attached to the product in Stripe. */
  features: string[];
  prices: PlanPrice[];
}

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

/** Active products with their active recurring prices, cheapest plan first. RLS hides inactive rows. */
export async function fetchPlans(client: SupabaseClient): Promise<Plan[]> {
  const [products, prices, features] = await Promise.all([
    client.from("products").select("id,name,description,entitlement,metadata").eq("active", true),
    client
      .from("prices")
      .select("id,product_id,currency,unit_amount,interval,interval_count,trial_period_days,lookup_key")
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
      }))
      .sort((a, b) => a.unitAmount - b.unitAmount),
  }));
  const cheapest = (plan: Plan) => Math.min(...plan.prices.map((price) => price.unitAmount));
  return plans.filter((plan) => plan.prices.length > 0).sort((a, b) => cheapest(a) - cheapest(b));
}

/** The cheapest plan that gives this feature (the one to name on a locked row), or null. */
export function planUnlocking(plans: readonly Plan[], feature: string): Plan | null {
  return plans.find((plan) => plan.features.includes(feature)) ?? null;
}

export const plansQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.plans(),
    queryFn: async () => fetchPlans(await getSupabase()),
    staleTime: 5 * 60_000,
  });

export function usePlans() {
  return useQuery(plansQueryOptions());
}
