import type { Db } from "@gatehouse/types";
import { describe, expect, it } from "vitest";
import { fetchOneTimeOffers, fetchPlans } from "./fetch-plans.ts";
import { planUnlocking } from "./get-plans.ts";

/** The slice of supabase-js fetchPlans uses: from(table).select(columns).eq(column, value). */
function fakeClient(tables: Record<string, unknown[]>, reads: string[] = []): Db {
  const client = {
    from: (table: string) => ({
      select: () => {
        reads.push(table);
        const answer = { data: tables[table] ?? [], error: null };
        return Object.assign(Promise.resolve(answer), { eq: async () => answer });
      },
    }),
  };
  return client as unknown as Db;
}

const price = (id: string, product: string, amount: number | null, interval: string | null) => ({
  id,
  product_id: product,
  currency: "eur",
  unit_amount: amount,
  interval,
  interval_count: 1,
  trial_period_days: null,
  lookup_key: null,
});

describe("fetchPlans", () => {
  it("joins prices to products, drops one-time prices and products without prices, cheapest first", async () => {
    const plans = await fetchPlans(
      fakeClient({
        products: [
          { id: "prod_team", name: "Team", description: null, entitlement: "team", metadata: {} },
          {
            id: "prod_pro",
            name: "Pro",
            description: "All lessons",
            entitlement: "pro",
            metadata: { name_fr: "Pro (FR)", description_fr: "Toutes les leçons", other: "x" },
          },
          { id: "prod_empty", name: "Empty", description: null, entitlement: "pro", metadata: null },
        ],
        prices: [
          price("p_team_m", "prod_team", 4900, "month"),
          price("p_pro_y", "prod_pro", 9000, "year"),
          price("p_pro_m", "prod_pro", 900, "month"),
          price("p_pro_once", "prod_pro", 100, null),
        ],
        product_features: [
          { product_id: "prod_pro", feature: "library.pro" },
          { product_id: "prod_pro", feature: "library.basic" },
          { product_id: "prod_team", feature: "library.basic" },
        ],
      }),
    );
    expect(plans[0]?.features).toEqual(["library.basic", "library.pro"]);
    expect(planUnlocking(plans, "library.pro")?.id).toBe("prod_pro");
    expect(planUnlocking(plans, "downloads")).toBeNull();
    expect(plans.map((p) => p.id)).toEqual(["prod_pro", "prod_team"]);
    expect(plans[0]?.prices.map((p) => p.id)).toEqual(["p_pro_m", "p_pro_y"]);
    expect(plans[0]?.translations).toEqual({ fr: { name: "Pro (FR)", description: "Toutes les leçons" } });
  });

  it("prices a plan in each currency of its currency_options, and in its own", async () => {
    const plans = await fetchPlans(
      fakeClient({
        products: [{ id: "prod_pro", name: "Pro", description: null, entitlement: "pro", metadata: {} }],
        prices: [
          {
            ...price("p_pro_m", "prod_pro", 900, "month"),
            tax_behavior: "inclusive",
            currency_options: { usd: { unit_amount: 1000, tax_behavior: "exclusive" }, gbp: { unit_amount: null } },
          },
        ],
        product_features: [],
      }),
    );
    expect(plans[0]?.prices[0]?.amounts).toEqual({
      eur: { unitAmount: 900, taxBehavior: "inclusive" },
      usd: { unitAmount: 1000, taxBehavior: "exclusive" },
    });
  });

  it("shares one catalog read with the one-time offers asked at the same time, and reads again later", async () => {
    const reads: string[] = [];
    const client = fakeClient(
      {
        products: [{ id: "prod_pro", name: "Pro", description: null, entitlement: "pro", metadata: {} }],
        prices: [
          { ...price("p_pro_m", "prod_pro", 900, "month"), type: "recurring" },
          { ...price("p_life", "prod_pro", 9900, null), type: "one_time" },
        ],
        product_features: [{ product_id: "prod_pro", feature: "library.pro" }],
      },
      reads,
    );
    const [plans, offers] = await Promise.all([fetchPlans(client), fetchOneTimeOffers(client)]);
    expect(plans.map((p) => p.id)).toEqual(["prod_pro"]);
    expect(offers.map((o) => o.price.id)).toEqual(["p_life"]);
    expect(offers[0]?.plan.features).toEqual(["library.pro"]);
    expect(reads.sort()).toEqual(["prices", "product_features", "products"]);
    await fetchPlans(client);
    expect(reads).toHaveLength(6);
  });
});
