// Refuses configurations that mix the offline sandbox with real services: sandbox keys on a
// deployed worker, Stripe calls redirected away from api.stripe.com in production, a live Stripe
// key behind plain http. Pure: the worker's env check and `check:prod-config` both call it.
import { hostOf, isLocalAddress, SANDBOX_KEY_MARKER } from "@gatehouse/types/local-address";
import type { Config } from "./env.ts";

const SECRETS = [
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "SUPABASE_SECRET_KEY",
  "SUPABASE_JWT_SECRET",
  "RESEND_API_KEY",
] as const;
/** Sender domains that cannot be verified in Resend: placeholders and reserved test domains. */
const PLACEHOLDER_SENDER =
  /@(?:[^>]*\.)?(example\.(com|org|net)|[^>]*\.(test|example|invalid|localhost)|localhost)>?$/i;
/** Values copied from .env.example or the README that were never replaced. */
const PLACEHOLDER_HOST = /(^|\.)example\.(com|org|net)$|your-project|project-ref/i;

/** localhost, *.localhost, 127.0.0.0/8, ::1 and 0.0.0.0: addresses only this machine reaches. */
export const isLocalUrl = isLocalAddress;

/** A deployed configuration: the app people open is not on this machine. */
export function isProductionConfig(config: Pick<Config, "APP_URL">): boolean {
  return !isLocalUrl(config.APP_URL);
}

const isLiveKey = (key: string) => /^(sk|rk)_live_/.test(key);

/**
 * Every way the configuration mixes sandbox and production, one sentence each ("NAME: why"); empty
 * when it is consistent. A local APP_URL means development: sandbox keys are expected there.
 */
export function productionConfigProblems(config: Config): string[] {
  const problems: string[] = [];
  const production = isProductionConfig(config);
  const live = isLiveKey(config.STRIPE_SECRET_KEY);

  if (production) {
    for (const name of SECRETS) {
      const value = config[name];
      if (value && SANDBOX_KEY_MARKER.test(value)) {
        problems.push(
          `${name}: is the offline sandbox's fake key while APP_URL (${config.APP_URL}) is not local; set the real one with \`wrangler secret put ${name}\``,
        );
      }
    }
    if (config.STRIPE_API_URL) {
      problems.push(
        `STRIPE_API_URL: sends Stripe calls to ${config.STRIPE_API_URL} instead of api.stripe.com; it is for the sandbox only, remove it in production`,
      );
    }
    if (!config.APP_URL.startsWith("https://")) {
      problems.push(`APP_URL: ${config.APP_URL} is not https; browsers will not keep a session on a plain-http site`);
    }
    if (isLocalUrl(config.SUPABASE_URL)) {
      problems.push(
        `SUPABASE_URL: ${config.SUPABASE_URL} is a local address a deployed worker cannot reach; use https://<project-ref>.supabase.co`,
      );
    } else if (!config.SUPABASE_URL.startsWith("https://")) {
      problems.push(`SUPABASE_URL: ${config.SUPABASE_URL} is not https`);
    }
    if (config.RESEND_API_URL) {
      problems.push(
        `RESEND_API_URL: sends emails to ${config.RESEND_API_URL} instead of api.resend.com; it is for the sandbox only, remove it in production`,
      );
    }
    if (config.EMAIL_FROM && PLACEHOLDER_SENDER.test(config.EMAIL_FROM.trim())) {
      problems.push(
        `EMAIL_FROM: ${config.EMAIL_FROM} is a placeholder or test domain; send from a domain verified in Resend`,
      );
    }
    if (config.STRIPE_AUTOMATIC_TAX === undefined) {
      problems.push(
        'STRIPE_AUTOMATIC_TAX: say whether Checkout charges tax: "true" once Stripe Tax is set up in the dashboard (origin address, registrations; see the README), or "false"',
      );
    }
    for (const name of ["APP_URL", "SUPABASE_URL"] as const) {
      const host = hostOf(config[name]);
      if (host && PLACEHOLDER_HOST.test(host)) {
        problems.push(`${name}: ${config[name]} is still the placeholder from the example configuration`);
      }
    }
  }

  if (live && !config.APP_URL.startsWith("https://")) {
    problems.push(
      `STRIPE_SECRET_KEY: a live-mode key (sk_live_…) with an http APP_URL (${config.APP_URL}); use a test-mode key (sk_test_…) outside production`,
    );
  }
  if (!production && live && config.STRIPE_API_URL) {
    problems.push(
      `STRIPE_API_URL: a live-mode key must only ever be sent to api.stripe.com, not ${config.STRIPE_API_URL}`,
    );
  }
  if (SANDBOX_KEY_MARKER.test(config.STRIPE_SECRET_KEY) && !config.STRIPE_API_URL) {
    problems.push(
      "STRIPE_SECRET_KEY: is the sandbox's fake key but STRIPE_API_URL is not set, so calls would go to api.stripe.com and fail",
    );
  }
  if (SANDBOX_KEY_MARKER.test(config.SUPABASE_SECRET_KEY) && !isLocalUrl(config.SUPABASE_URL)) {
    problems.push(
      `SUPABASE_SECRET_KEY: is the sandbox's fake key but SUPABASE_URL (${config.SUPABASE_URL}) is a real project; use the project's secret key`,
    );
  }
  if (
    !production &&
    !live &&
    config.STRIPE_API_URL &&
    !isLocalUrl(config.STRIPE_API_URL) &&
    !SANDBOX_KEY_MARKER.test(config.STRIPE_SECRET_KEY)
  ) {
    problems.push(
      `STRIPE_API_URL: sends a real Stripe key to ${config.STRIPE_API_URL}; leave it unset to talk to api.stripe.com`,
    );
  }
  return problems;
}
