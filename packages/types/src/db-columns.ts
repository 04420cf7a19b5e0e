// Columns the generated types can only call `string` or `Json`: the values a check constraint
// allows, and the shape of a jsonb column. Written once, beside the migration that fixes them, and
// narrowed by the functions below (checks, not casts), for whoever reads the rows (the SPA, the API).
// No dependency: cheap enough for the SPA's first page.
import type { Json } from "./database.ts";

/** purchases.status's check constraint (20261202081542_purchases.sql). */
export const PURCHASE_STATUSES = ["paid", "refunded", "disputed"] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

export function isPurchaseStatus(status: string): status is PurchaseStatus {
  return (PURCHASE_STATUSES as readonly string[]).includes(status);
}

/** prices.interval's check constraint (20261124000100_create_catalog.sql): Stripe's recurring.interval. */
export const BILLING_INTERVALS = ["day", "week", "month", "year"] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** The price's interval, or null for a one-time price (or a value the constraint would refuse). */
export function billingInterval(interval: string | null): BillingInterval | null {
  return BILLING_INTERVALS.find((known) => known === interval) ?? null;
}

/** A jsonb object column (metadata, an access state), or null when the value is not an object. */
export function jsonObject(value: Json | undefined): { [key: string]: Json | undefined } | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
}

/** One entry of prices.currency_options. */
export interface CurrencyOption {
  unitAmount: number;
  taxBehavior: string | null;
}

/**
 * prices.currency_options (jsonb, 20261202081542_purchases.sql): `{usd: {unit_amount,
 * tax_behavior}}` as upsert_price stores it, the price's own currency excluded. Entries without an
 * amount are left out.
 */
export function currencyOptions(value: Json): Record<string, CurrencyOption> {
  const out: Record<string, CurrencyOption> = {};
  for (const [currency, entry] of Object.entries(jsonObject(value) ?? {})) {
    const option = jsonObject(entry);
    const amount = option?.unit_amount;
    if (typeof amount !== "number") continue;
    const tax = option?.tax_behavior;
    out[currency] = { unitAmount: amount, taxBehavior: typeof tax === "string" ? tax : null };
  }
  return out;
}

/** products.metadata (jsonb): Stripe's metadata, whose values are strings; others are left out. */
export function stringMetadata(value: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(jsonObject(value) ?? {})) if (typeof v === "string") out[key] = v;
  return out;
}
