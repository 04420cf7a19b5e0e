#!/usr/bin/env node
// `pnpm sandbox`: Postgres + the Supabase and Stripe stand-ins on 127.0.0.1 until Ctrl-C.
// `pnpm db:reset`: rebuild the sandbox database from the migrations and seed, then exit.
import {
  SANDBOX_PUBLISHABLE_KEY,
  SANDBOX_SECRET_KEY,
  SANDBOX_STRIPE_SECRET_KEY,
  SANDBOX_TEST_CARD,
  SANDBOX_WEBHOOK_SECRET,
} from "./keys.ts";
import { SandboxStartError } from "./postgres/index.ts";
import { startSandbox } from "./start-sandbox.ts";

const args = new Set(process.argv.slice(2));
const resetOnly = args.has("--reset-only");

try {
  const sandbox = await startSandbox({
    reset: resetOnly || args.has("--reset"),
    log: (l) => console.log(`[sandbox] ${l}`),
  });
  if (resetOnly) {
    await sandbox.stop();
    console.log("[sandbox] database rebuilt from supabase/migrations and seed.sql");
    process.exit(0);
  }
  console.log(
    [
      "",
      "Gatehouse sandbox is running (Ctrl-C to stop)",
      `  Postgres            ${sandbox.urls.postgres}`,
      `  Supabase stand-in   ${sandbox.urls.supabase}`,
      `  Stripe stand-in     ${sandbox.urls.stripe}`,
      `  publishable key     ${SANDBOX_PUBLISHABLE_KEY}`,
      `  secret key          ${SANDBOX_SECRET_KEY}   (server only)`,
      `  Stripe secret key   ${SANDBOX_STRIPE_SECRET_KEY}`,
      `  webhook secret      ${SANDBOX_WEBHOOK_SECRET}`,
      `  test card           ${SANDBOX_TEST_CARD}, any future date, any CVC`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sandbox] ${signal}: stopping`);
    await sandbox.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
} catch (e) {
  console.error(`[sandbox] ${e instanceof SandboxStartError ? e.message : e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
