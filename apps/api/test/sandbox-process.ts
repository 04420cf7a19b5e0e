// Runs in its own Node process (spawned by global-setup.ts): starts a throw-away sandbox, sets up
// the catalog plus the odd prices the security tests need, prints one JSON line with everything
// the tests need, and stops the sandbox on SIGTERM/SIGINT or when stdin closes.
import { setupCatalog, stripeClient } from "@gatehouse/billing/catalog-setup";
import {
  NO_LIMITS,
  readSigningJwk,
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_WEBHOOK_SECRET,
  startTestSandbox,
  stopWithParent,
} from "@gatehouse/sandbox";
import type { Database } from "@gatehouse/types";
import { jsonArg } from "@gatehouse/types/db-functions";
import { createClient } from "@supabase/supabase-js";

// Stripe's rate limits off: these tests set up their state by calling the stand-in directly, from
// many test files at once, far faster than a paced client would (a 429 there would fail a test
// about something else). The limits themselves: packages/sandbox rate-limits.test.ts; the API
// under them: the bench's webhook storm, the fault suite and the e2e suite, which keep them on.
const sandbox = await startTestSandbox({ limits: NO_LIMITS });
stopWithParent(() => sandbox.stop());

try {
  const catalog = await setupCatalog({
    stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
    stripeApiUrl: sandbox.urls.stripeDirect,
    supabaseUrl: sandbox.urls.supabaseDirect,
    supabaseSecretKey: SANDBOX_SECRET_KEY,
  });
  const stripe = stripeClient(SANDBOX_STRIPE_SECRET_KEY, sandbox.urls.stripeDirect);
  const db = createClient<Database>(sandbox.urls.supabaseDirect, SANDBOX_SECRET_KEY, {
    auth: { persistSession: false },
  });
  const inactive = await stripe.prices.create({
    product: catalog.productId,
    currency: "eur",
    unit_amount: 100,
    recurring: { interval: "month" },
  });
  const inactiveNow = await stripe.prices.update(inactive.id, { active: false });
  const stored = await db.rpc("upsert_price", { p_price: jsonArg(inactiveNow) });
  if (stored.error) throw new Error(stored.error.message);
  const plain = await stripe.products.create({ name: "No entitlement" });
  const plainPrice = await stripe.prices.create({
    product: plain.id,
    currency: "eur",
    unit_amount: 100,
    recurring: { interval: "month" },
  });
  process.stdout.write(
    `${JSON.stringify({
      supabaseUrl: sandbox.urls.supabase,
      supabaseSecretKey: SANDBOX_SECRET_KEY,
      supabasePublishableKey: SANDBOX_PUBLISHABLE_KEY,
      stripeUrl: sandbox.urls.stripe,
      stripeSecretKey: SANDBOX_STRIPE_SECRET_KEY,
      webhookSecret: SANDBOX_WEBHOOK_SECRET,
      databaseUrl: sandbox.urls.postgres,
      jwtSigningJwk: JSON.stringify(await readSigningJwk(sandbox.urls.postgres)),
      // Basic: no trial, so a checkout pays at once. Pro: a 7-day trial for first-time subscribers.
      priceMonthly: catalog.priceIds.gatehouse_basic_monthly ?? "",
      priceYearly: catalog.priceIds.gatehouse_basic_yearly ?? "",
      priceProMonthly: catalog.priceIds.gatehouse_pro_monthly ?? "",
      priceProYearly: catalog.priceIds.gatehouse_pro_yearly ?? "",
      priceLifetime: catalog.priceIds.gatehouse_lifetime ?? "",
      priceInactive: inactive.id,
      priceNoEntitlement: plainPrice.id,
    })}\n`,
  );
} catch (e) {
  process.stderr.write(`test sandbox failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  await sandbox.stop();
  process.exit(1);
}
