// Issue 12 item 6: only the prices the catalog declares (marked by stripe:setup) can be sold.
import { describe, expect, inject, test } from "vitest";
import { api, createUser, prices, stripe, urls } from "./helpers.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** Mirrors a price into Supabase exactly as the price.* webhook sync does (upsert_price with Stripe's JSON). */
async function mirror(price: unknown): Promise<void> {
  const secret = inject("supabaseSecretKey");
  const res = await fetch(`${urls.supabase}/rest/v1/rpc/upsert_price`, {
    method: "POST",
    headers: { apikey: secret, authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ p_price: price }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toBe(true);
}

describe("POST /api/checkout — sellable prices", () => {
  test("the catalog's prices carry the stripe:setup mark", async () => {
    const monthly = await stripe.prices.retrieve(prices.monthly());
    expect(monthly.metadata.gatehouse_catalog).toBe("true");
  });

  test("a price created straight in Stripe for the entitled product (1 JPY/year) is 400 invalid_price", async () => {
    const catalogPrice = await stripe.prices.retrieve(prices.monthly());
    const product = typeof catalogPrice.product === "string" ? catalogPrice.product : catalogPrice.product.id;
    const cheap = await stripe.prices.create({
      product,
      currency: "jpy",
      unit_amount: 1,
      recurring: { interval: "year" },
    });
    await mirror(cheap);
    const user = await createUser();
    const res = await api("/api/checkout", { method: "POST", token: user.token, json: { priceId: cheap.id } });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_price");
    // The same user may still buy a catalog price.
    const ok = await api("/api/checkout", { method: "POST", token: user.token, json: { priceId: prices.monthly() } });
    expect(ok.status).toBe(200);
  });
});
