// The catalog set-up behind `pnpm stripe:setup` (apps/api/scripts/stripe-setup.ts), `npm run dev` and
// the test stacks: create or update, idempotently, the catalog of catalog.ts
// (Entitlements features, products with metadata.entitlement = their tier and their features
// attached, prices by lookup key with their trial days) and the customer-portal configuration
// (plan switches between the tiers, downgrades and shorter intervals scheduled at the period end)
// in whichever Stripe STRIPE_SECRET_KEY points at (real test mode, or the sandbox with
// STRIPE_API_URL), then write them to Supabase's products/prices/features with the secret key.
import type { Database } from "@gatehouse/types";
import { jsonArg } from "@gatehouse/types/db-functions";
import { createClient } from "@supabase/supabase-js";
import Stripe from "stripe";
import { CATALOG, CATALOG_PRICE_METADATA, type CatalogPrice, type CatalogProduct, FEATURES } from "./catalog.ts";

export interface SetupConfig {
  stripeSecretKey: string;
  stripeApiUrl?: string;
  supabaseUrl: string;
  supabaseSecretKey: string;
  log?: (line: string) => void;
}

export interface SetupResult {
  /** The first product of the catalog (Basic). */
  productId: string;
  /** Stripe product ids by catalog id (`gatehouse_basic`, `gatehouse_pro`, `gatehouse_lifetime`): two products may share a tier. */
  productIds: Record<string, string>;
  /** Price ids by lookup key (`gatehouse_basic_monthly`, `gatehouse_pro_yearly`, …). */
  priceIds: Record<string, string>;
  /** Feature ids (`feat_…`) by lookup key. */
  featureIds: Record<string, string>;
  portalConfigurationId: string;
}

/**
 * Waits and tries again when Stripe answers 429 (its rate limit: 25 requests/s in test mode). A
 * refused request did nothing, so trying it again is safe; stripe-node itself does not, since Stripe
 * marks rate limits not retryable. stripe:setup makes a burst of calls: this keeps it under the limit.
 */
class RateLimitPatientClient extends Stripe.HttpClient {
  private readonly inner = Stripe.createNodeHttpClient();

  override getClientName(): string {
    return this.inner.getClientName();
  }

  override async makeRequest(...args: Parameters<Stripe.HttpClient["makeRequest"]>) {
    for (let attempt = 0; ; attempt++) {
      const res = await this.inner.makeRequest(...args);
      if (res.getStatusCode() !== 429 || attempt >= 8) return res;
      await res.toJSON().catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

export function stripeClient(secretKey: string, apiUrl?: string): Stripe {
  const target = apiUrl ? new URL(apiUrl) : null;
  const protocol = target?.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    httpClient: new RateLimitPatientClient(),
    ...(target
      ? { host: target.hostname, port: Number(target.port || (protocol === "http" ? 80 : 443)), protocol }
      : {}),
  });
}

async function ensureFeatures(stripe: Stripe): Promise<Map<string, Stripe.Entitlements.Feature>> {
  const existing = new Map<string, Stripe.Entitlements.Feature>();
  for await (const f of stripe.entitlements.features.list({ limit: 100 })) existing.set(f.lookup_key, f);
  const out = new Map<string, Stripe.Entitlements.Feature>();
  for (const f of FEATURES) {
    const found = existing.get(f.lookupKey);
    if (!found) {
      out.set(f.lookupKey, await stripe.entitlements.features.create({ lookup_key: f.lookupKey, name: f.name }));
    } else if (found.name !== f.name || !found.active) {
      out.set(f.lookupKey, await stripe.entitlements.features.update(found.id, { name: f.name, active: true }));
    } else {
      out.set(f.lookupKey, found);
    }
  }
  return out;
}

async function ensureProduct(stripe: Stripe, p: CatalogProduct): Promise<Stripe.Product> {
  const wanted = { name: p.name, description: p.description, active: true, metadata: { entitlement: p.tier } };
  try {
    await stripe.products.retrieve(p.id);
    return await stripe.products.update(p.id, wanted);
  } catch (e) {
    if (!(e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "resource_missing")) throw e;
    return stripe.products.create({ id: p.id, ...wanted });
  }
}

/** Attaches exactly the catalog's features to the product; returns them as listFeatures does. */
async function ensureProductFeatures(
  stripe: Stripe,
  p: CatalogProduct,
  features: Map<string, Stripe.Entitlements.Feature>,
): Promise<Stripe.ProductFeature[]> {
  const attached: Stripe.ProductFeature[] = [];
  for await (const pf of stripe.products.listFeatures(p.id, { limit: 100 })) attached.push(pf);
  const wanted = new Set<string>(p.features);
  for (const pf of attached) {
    if (!wanted.has(pf.entitlement_feature.lookup_key)) await stripe.products.deleteFeature(p.id, pf.id);
  }
  const have = new Set(attached.map((pf) => pf.entitlement_feature.lookup_key));
  for (const key of p.features) {
    const feature = features.get(key);
    if (!feature) throw new Error(`feature ${key} is not in FEATURES`);
    if (!have.has(key)) await stripe.products.createFeature(p.id, { entitlement_feature: feature.id });
  }
  const now: Stripe.ProductFeature[] = [];
  for await (const pf of stripe.products.listFeatures(p.id, { limit: 100 })) now.push(pf);
  return now;
}

/** Does the price in Stripe say what the catalog says (amounts, currencies, tax, interval, trial)? */
function priceMatches(current: Stripe.Price, product: string, p: CatalogPrice): boolean {
  const usd = current.currency_options?.usd;
  return (
    current.active &&
    current.unit_amount === p.unitAmount &&
    current.currency === p.currency &&
    (current.recurring?.interval ?? null) === p.interval &&
    (current.recurring?.trial_period_days ?? null) === p.trialPeriodDays &&
    current.tax_behavior === (p.taxBehavior?.eur ?? "unspecified") &&
    (usd?.unit_amount ?? null) === (p.currencyOptions?.usd ?? null) &&
    (p.currencyOptions ? (usd?.tax_behavior ?? null) === (p.taxBehavior?.usd ?? "unspecified") : true) &&
    (typeof current.product === "string" ? current.product : current.product.id) === product
  );
}

async function ensurePrice(stripe: Stripe, product: string, p: CatalogPrice): Promise<Stripe.Price> {
  const found = await stripe.prices.list({
    lookup_keys: [p.lookupKey],
    limit: 1,
    expand: ["data.currency_options"],
  });
  const current = found.data[0];
  if (current && priceMatches(current, product, p)) {
    if (current.metadata?.gatehouse_catalog === CATALOG_PRICE_METADATA.gatehouse_catalog) return current;
    return stripe.prices.update(current.id, {
      metadata: { ...CATALOG_PRICE_METADATA },
      expand: ["currency_options"],
    });
  }
  // Prices are immutable in Stripe: a changed amount is a new price that takes over the lookup key.
  const created = await stripe.prices.create({
    product,
    currency: p.currency,
    unit_amount: p.unitAmount,
    ...(p.interval
      ? {
          recurring: {
            interval: p.interval,
            ...(p.trialPeriodDays ? { trial_period_days: p.trialPeriodDays } : {}),
          },
        }
      : {}),
    ...(p.taxBehavior ? { tax_behavior: p.taxBehavior.eur } : {}),
    ...(p.currencyOptions
      ? {
          currency_options: {
            usd: {
              unit_amount: p.currencyOptions.usd,
              ...(p.taxBehavior ? { tax_behavior: p.taxBehavior.usd } : {}),
            },
          },
        }
      : {}),
    lookup_key: p.lookupKey,
    transfer_lookup_key: true,
    metadata: { ...CATALOG_PRICE_METADATA },
    expand: ["currency_options"],
  });
  if (current) await stripe.prices.update(current.id, { active: false });
  return created;
}

async function ensurePortal(stripe: Stripe, products: Array<{ product: string; prices: string[] }>): Promise<string> {
  const features: Stripe.BillingPortal.ConfigurationCreateParams.Features = {
    // Address and tax IDs: what Stripe Tax computes from (issue 16).
    customer_update: { enabled: true, allowed_updates: ["email", "name", "address", "tax_id"] },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: { enabled: true, mode: "at_period_end" },
    subscription_update: {
      enabled: true,
      default_allowed_updates: ["price"],
      proration_behavior: "always_invoice",
      products,
      // The same rule as POST /api/billing/change-plan: downgrades and shorter intervals wait for
      // the end of the period the customer paid for.
      schedule_at_period_end: {
        conditions: [{ type: "decreasing_item_amount" }, { type: "shortening_interval" }],
      },
    },
  };
  const existing = (await stripe.billingPortal.configurations.list({ is_default: true, limit: 1 })).data[0];
  if (existing) {
    return (
      await stripe.billingPortal.configurations.update(existing.id, { features, metadata: { managed_by: "gatehouse" } })
    ).id;
  }
  return (
    await stripe.billingPortal.configurations.create({
      features,
      business_profile: { headline: "Gatehouse: manage your subscription" },
      metadata: { managed_by: "gatehouse" },
    })
  ).id;
}

export async function setupCatalog(cfg: SetupConfig): Promise<SetupResult> {
  const log = cfg.log ?? (() => undefined);
  const stripe = stripeClient(cfg.stripeSecretKey, cfg.stripeApiUrl);
  const features = await ensureFeatures(stripe);
  log(`features ${[...features.values()].map((f) => `${f.lookup_key}=${f.id}`).join(", ")}`);

  const db = createClient<Database>(cfg.supabaseUrl, cfg.supabaseSecretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const productIds: Record<string, string> = {};
  const priceIds: Record<string, string> = {};
  const portalProducts: Array<{ product: string; prices: string[] }> = [];
  const allPrices: Stripe.Price[] = [];
  for (const p of CATALOG.products) {
    const product = await ensureProduct(stripe, p);
    const attached = await ensureProductFeatures(stripe, p, features);
    log(`product ${product.id} (${product.name}, tier=${p.tier}, features=${p.features.join(" ")})`);
    const up = await db.rpc("upsert_product", { p_product: jsonArg(product), p_features: jsonArg(attached) });
    if (up.error) throw new Error(`upsert_product failed: ${up.error.message}`);
    productIds[p.id] = product.id;
    const prices: Stripe.Price[] = [];
    for (const cp of p.prices) {
      const price = await ensurePrice(stripe, product.id, cp);
      prices.push(price);
      priceIds[cp.lookupKey] = price.id;
      const trial = cp.trialPeriodDays ? `, ${cp.trialPeriodDays}-day trial` : "";
      const usd = cp.currencyOptions ? `, ${(cp.currencyOptions.usd / 100).toFixed(2)} usd` : "";
      log(
        `price ${price.id} ${cp.lookupKey} ${(cp.unitAmount / 100).toFixed(2)} ${cp.currency}${usd}/${cp.interval ?? "once"}${trial}`,
      );
    }
    allPrices.push(...prices);
    // The portal switches subscriptions: one-time prices (lifetime) are not offered there.
    const recurring = prices.filter((x) => x.type === "recurring");
    if (recurring.length > 0) portalProducts.push({ product: product.id, prices: recurring.map((x) => x.id) });
  }
  const portalConfigurationId = await ensurePortal(stripe, portalProducts);
  log(`customer portal configuration ${portalConfigurationId}`);

  for (const price of allPrices) {
    const r = await db.rpc("upsert_price", { p_price: jsonArg(price) });
    if (r.error) throw new Error(`upsert_price failed: ${r.error.message}`);
  }
  log("products, features and prices written to Supabase");
  const first = CATALOG.products[0];
  return {
    productId: (first && productIds[first.id]) ?? "",
    productIds,
    priceIds,
    featureIds: Object.fromEntries([...features].map(([k, f]) => [k, f.id])),
    portalConfigurationId,
  };
}
