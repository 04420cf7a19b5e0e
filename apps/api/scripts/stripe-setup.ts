// `pnpm stripe:setup`: create or update, idempotently, the catalog (product with
// metadata.entitlement, its prices by lookup key) and the customer-portal configuration in
// whichever Stripe STRIPE_SECRET_KEY points at (real test mode, or the sandbox with
// STRIPE_API_URL), then write them to Supabase's products/prices with the secret key.
import { createClient } from "@supabase/supabase-js";
import Stripe from "stripe";
import { CATALOG, CATALOG_PRICE_METADATA } from "./catalog.ts";

export interface SetupConfig {
  stripeSecretKey: string;
  stripeApiUrl?: string;
  supabaseUrl: string;
  supabaseSecretKey: string;
  log?: (line: string) => void;
}

export interface SetupResult {
  productId: string;
  priceIds: Record<string, string>;
  portalConfigurationId: string;
}

export function stripeClient(secretKey: string, apiUrl?: string): Stripe {
  const target = apiUrl ? new URL(apiUrl) : null;
  const protocol = target?.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    ...(target
      ? { host: target.hostname, port: Number(target.port || (protocol === "http" ? 80 : 443)), protocol }
      : {}),
  });
}

async function ensureProduct(stripe: Stripe): Promise<Stripe.Product> {
  const { id, name, description, entitlement } = CATALOG.product;
  const wanted = { name, description, active: true, metadata: { entitlement } };
  try {
    await stripe.products.retrieve(id);
    return await stripe.products.update(id, wanted);
  } catch (e) {
    if (!(e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "resource_missing")) throw e;
    return stripe.products.create({ id, ...wanted });
  }
}

async function ensurePrice(stripe: Stripe, product: string, p: (typeof CATALOG.prices)[number]): Promise<Stripe.Price> {
  const found = await stripe.prices.list({ lookup_keys: [p.lookupKey], limit: 1 });
  const current = found.data[0];
  if (
    current?.active &&
    current.unit_amount === p.unitAmount &&
    current.currency === p.currency &&
    current.recurring?.interval === p.interval &&
    (typeof current.product === "string" ? current.product : current.product.id) === product
  ) {
    if (current.metadata?.gatehouse_catalog === CATALOG_PRICE_METADATA.gatehouse_catalog) return current;
    return stripe.prices.update(current.id, { metadata: { ...CATALOG_PRICE_METADATA } });
  }
  // Prices are immutable in Stripe: a changed amount is a new price that takes over the lookup key.
  const created = await stripe.prices.create({
    product,
    currency: p.currency,
    unit_amount: p.unitAmount,
    recurring: { interval: p.interval },
    lookup_key: p.lookupKey,
    transfer_lookup_key: true,
    metadata: { ...CATALOG_PRICE_METADATA },
  });
  if (current) await stripe.prices.update(current.id, { active: false });
  return created;
}

async function ensurePortal(stripe: Stripe, product: string, prices: string[]): Promise<string> {
  const features: Stripe.BillingPortal.ConfigurationCreateParams.Features = {
    customer_update: { enabled: true, allowed_updates: ["email", "name"] },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: { enabled: true, mode: "at_period_end" },
    subscription_update: {
      enabled: true,
      default_allowed_updates: ["price"],
      proration_behavior: "create_prorations",
      products: [{ product, prices }],
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
  const product = await ensureProduct(stripe);
  log(`product ${product.id} (${product.name}, entitlement=${product.metadata.entitlement})`);
  const prices: Stripe.Price[] = [];
  for (const p of CATALOG.prices) {
    const price = await ensurePrice(stripe, product.id, p);
    prices.push(price);
    log(`price ${price.id} ${p.lookupKey} ${(p.unitAmount / 100).toFixed(2)} ${p.currency}/${p.interval}`);
  }
  const portalConfigurationId = await ensurePortal(
    stripe,
    product.id,
    prices.map((p) => p.id),
  );
  log(`customer portal configuration ${portalConfigurationId}`);

  const db = createClient(cfg.supabaseUrl, cfg.supabaseSecretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const up = await db.rpc("upsert_product", { p_product: product });
  if (up.error) throw new Error(`upsert_product failed: ${up.error.message}`);
  for (const price of prices) {
    const r = await db.rpc("upsert_price", { p_price: price });
    if (r.error) throw new Error(`upsert_price failed: ${r.error.message}`);
  }
  log("products and prices written to Supabase");
  return {
    productId: product.id,
    priceIds: Object.fromEntries(prices.map((p) => [p.lookup_key ?? p.id, p.id])),
    portalConfigurationId,
  };
}

const isMain = process.argv[1] && import.meta.filename === process.argv[1];
if (isMain) {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) {
      console.error(`stripe:setup: ${name} is not set (see .env.example)`);
      process.exit(1);
    }
    return v;
  };
  try {
    await setupCatalog({
      stripeSecretKey: need("STRIPE_SECRET_KEY"),
      ...(process.env.STRIPE_API_URL ? { stripeApiUrl: process.env.STRIPE_API_URL } : {}),
      supabaseUrl: need("SUPABASE_URL"),
      supabaseSecretKey: need("SUPABASE_SECRET_KEY"),
      log: (l) => console.log(`[stripe:setup] ${l}`),
    });
  } catch (e) {
    console.error(`[stripe:setup] failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
