import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { BalancedShards } from "./test/shards.ts";

// Integration tests inside workerd (the Workers runtime). The global setup starts the sandbox (real
// Postgres, the Supabase and Stripe stand-ins) in Node on free ports and hands their URLs to the
// worker as bindings. Unit tests (src/**/*.test.ts, no sandbox) are vitest.unit.config.ts.
// `npm test` runs these files in shards side by side, a sandbox each: test/run-shards.ts.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          APP_URL: "http://127.0.0.1:5173",
          SUPABASE_URL: inject<string>("supabaseUrl"),
          SUPABASE_SECRET_KEY: inject<string>("supabaseSecretKey"),
          SUPABASE_PUBLISHABLE_KEY: inject<string>("supabasePublishableKey"),
          STRIPE_SECRET_KEY: inject<string>("stripeSecretKey"),
          STRIPE_WEBHOOK_SECRET: inject<string>("webhookSecret"),
          STRIPE_API_URL: inject<string>("stripeUrl"),
          // The Resend stand-in (served by the Supabase stand-in), with the sandbox's key.
          RESEND_API_URL: `${inject<string>("supabaseUrl")}/resend`,
          RESEND_API_KEY: "re_SANDBOX_ONLY_not_a_real_key_0000000000",
          EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // `--shard=i/n` splits the files by their measured time (test/shards.ts), not by count.
    sequence: { sequencer: BalancedShards },
  },
});
