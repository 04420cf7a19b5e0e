// `pnpm stripe:setup`: create or update, idempotently, the catalog (@gatehouse/billing's catalog.ts)
// in whichever Stripe STRIPE_SECRET_KEY points at (real test mode, or the sandbox with
// STRIPE_API_URL), then write it to Supabase with the secret key. The rules: @gatehouse/billing/catalog-setup.
import { setupCatalog } from "@gatehouse/billing/catalog-setup";

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
