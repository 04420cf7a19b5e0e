// product.* and price.* events: re-read the object from Stripe and upsert it, a product with its
// Entitlements features (products only when they carry metadata.entitlement or features; the SQL
// functions decide).
import { jsonArg } from "@gatehouse/types/db-functions";
import type Stripe from "stripe";
import { callRpc } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { isMissingStripeObject, stripeCall } from "./stripe-errors.ts";

async function current<T extends { id: string }>(fetch: () => Promise<T>, fromEvent: T, what: string): Promise<T> {
  try {
    return await stripeCall(what, fetch);
  } catch (e) {
    // Gone from Stripe: keep the event's copy, marked deleted, so the row is deactivated.
    if (isMissingStripeObject(e)) return { ...fromEvent, deleted: true };
    throw e;
  }
}

/** Every feature attached to the product (products.listFeatures); [] once the product is gone. */
async function productFeatures(s: Services, productId: string): Promise<Stripe.ProductFeature[]> {
  const all: Stripe.ProductFeature[] = [];
  let startingAfter: string | undefined;
  for (let page = 0; page < 10; page++) {
    let res: Stripe.ApiList<Stripe.ProductFeature>;
    try {
      res = await stripeCall("products.listFeatures", () =>
        s.stripe.products.listFeatures(productId, {
          limit: 100,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
    } catch (e) {
      if (isMissingStripeObject(e)) return [];
      throw e;
    }
    all.push(...res.data);
    const last = res.data.at(-1);
    if (!res.has_more || !last) break;
    startingAfter = last.id;
  }
  return all;
}

/** Stores a product read from Stripe with its features (its subscribers' features follow). */
async function storeProduct(s: Services, product: Stripe.Product): Promise<boolean> {
  // `current` marks a product Stripe no longer has with deleted: true (Stripe's own shape for it).
  const deleted: unknown = product.deleted;
  const features = deleted === true ? [] : await productFeatures(s, product.id);
  return callRpc(s.db, "upsert_product", { p_product: jsonArg(product), p_features: jsonArg(features) });
}

export async function syncProduct(s: Services, fromEvent: Stripe.Product): Promise<boolean> {
  return storeProduct(s, await current(() => s.stripe.products.retrieve(fromEvent.id), fromEvent, "products.retrieve"));
}

export async function syncPrice(s: Services, fromEvent: Stripe.Price): Promise<boolean> {
  const price = await current(
    () => s.stripe.prices.retrieve(fromEvent.id, { expand: ["currency_options"] }),
    fromEvent,
    "prices.retrieve",
  );
  if (await callRpc(s.db, "upsert_price", { p_price: jsonArg(price) })) return true;
  // The product may not be stored yet (events out of order): store it, then the price.
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  let product: Stripe.Product;
  try {
    product = await stripeCall("products.retrieve", () => s.stripe.products.retrieve(productId));
  } catch (e) {
    // Stripe no longer has the product (or never had it): the price belongs to nothing Gatehouse
    // sells. Recorded and ignored, never retried.
    if (isMissingStripeObject(e)) return false;
    throw e;
  }
  if (!(await storeProduct(s, product))) return false;
  return callRpc(s.db, "upsert_price", { p_price: jsonArg(price) });
}
