import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

// The plans' types and queries. The reads (typed by the generated rows) are in fetch-plans.ts, loaded
// with supabase-js when the query runs, so neither is in the pricing page's first JS.

/** Whether the amount includes tax or tax is added at checkout (Stripe's tax_behavior). */
export type TaxBehavior = "inclusive" | "exclusive" | null;

/** The price in one currency: its own, or one of its currency_options. */
export interface PriceAmount {
  unitAmount: number;
  taxBehavior: TaxBehavior;
}

export type BillingInterval = "day" | "week" | "month" | "year";

export interface PlanPrice {
  id: string;
  currency: string;
  /** In the currency's minor unit (cents), as Stripe stores it. */
  unitAmount: number;
  interval: BillingInterval;
  intervalCount: number;
  trialPeriodDays: number | null;
  lookupKey: string | null;
  /** Every currency it is sold in (its own included), when the mirror has them. */
  amounts?: Record<string, PriceAmount>;
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

/** The price in `currency` if it is sold in it, else in its own currency. */
export function amountIn(price: PlanPrice, currency: string | null): PriceAmount & { currency: string } {
  const option = currency ? price.amounts?.[currency] : undefined;
  if (currency && option) return { ...option, currency };
  return {
    unitAmount: price.unitAmount,
    taxBehavior: price.amounts?.[price.currency]?.taxBehavior ?? null,
    currency: price.currency,
  };
}

/** One-time prices (lifetime access) of active products, with the product they unlock. */
export interface OneTimeOffer {
  plan: Omit<Plan, "prices">;
  price: PlanPrice;
}

/** Loads the reads with supabase-js, in parallel. */
async function plansReader() {
  const [reads, client] = await Promise.all([import("./fetch-plans.ts"), getSupabase()]);
  return { reads, client };
}

export function useOneTimeOffers() {
  return useQuery({
    queryKey: queryKeys.oneTimeOffers(),
    queryFn: async () => {
      const { reads, client } = await plansReader();
      return reads.fetchOneTimeOffers(client);
    },
    staleTime: 5 * 60_000,
  });
}

/** The cheapest plan that gives this feature (the one to name on a locked row), or null. */
export function planUnlocking(plans: readonly Plan[], feature: string): Plan | null {
  return plans.find((plan) => plan.features.includes(feature)) ?? null;
}

export const plansQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.plans(),
    queryFn: async () => {
      const { reads, client } = await plansReader();
      return reads.fetchPlans(client);
    },
    staleTime: 5 * 60_000,
  });

/** The plans; `enabled: false` holds the read back (the unlocked library reads them after its paint). */
export function usePlans(enabled = true) {
  return useQuery({ ...plansQueryOptions(), enabled });
}
