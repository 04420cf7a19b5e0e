// product.* and price.* events: re-read the object from Stripe and upsert it (products only when
// they carry metadata.entitlement; the SQL functions decide).
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

export async function syncProduct(s: Services, fromEvent: Stripe.Product): Promise<boolean> {
  const product = await current(() => s.stripe.products.retrieve(fromEvent.id), fromEvent, "products.retrieve");
  return callRpc<boolean>(s.db, "upsert_product", { p_product: product });
}

export async function syncPrice(s: Services, fromEvent: Stripe.Price): Promise<boolean> {
  const price = await current(() => s.stripe.prices.retrieve(fromEvent.id), fromEvent, "prices.retrieve");
  if (await callRpc<boolean>(s.db, "upsert_price", { p_price: price })) return true;
  // The product may not be stored yet (events out of order): store it, then the price.
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const product = await stripeCall("products.retrieve", () => s.stripe.products.retrieve(productId));
  if (!(await callRpc<boolean>(s.db, "upsert_product", { p_product: product }))) return false;
  return callRpc<boolean>(s.db, "upsert_price", { p_price: price });
}
