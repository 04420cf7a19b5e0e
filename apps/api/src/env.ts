// The worker's configuration: parsed once per isolate from the bindings, read nowhere else.
import { DEFAULT_STRIPE_REQUESTS_PER_SECOND } from "@gatehouse/billing";
import * as z from "zod/mini";
import { productionConfigProblems } from "./production-guard.ts";

const url = (name: string) =>
  z.pipe(
    z.string({ error: `${name} is required` }).check(
      z.trim(),
      z.refine((v) => URL.canParse(v) && /^https?:/.test(v), `${name} must be an http(s) URL`),
    ),
    z.transform((v: string) => v.replace(/\/+$/, "")),
  );

export const envSchema = z.object({
  APP_URL: url("APP_URL"),
  STRIPE_SECRET_KEY: z
    .string({ error: "STRIPE_SECRET_KEY is required" })
    .check(
      z.regex(/^(sk|rk)_(test|live)_\S+$/, "STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_… or sk_live_…)"),
    ),
  STRIPE_WEBHOOK_SECRET: z
    .string({ error: "STRIPE_WEBHOOK_SECRET is required" })
    .check(z.regex(/^whsec_\S+$/, "STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)")),
  STRIPE_API_URL: z.optional(url("STRIPE_API_URL")),
  SUPABASE_URL: url("SUPABASE_URL"),
  SUPABASE_SECRET_KEY: z.string({ error: "SUPABASE_SECRET_KEY is required" }).check(
    z.minLength(20, "SUPABASE_SECRET_KEY looks too short: use the project's secret key (sb_secret_…)"),
    z.refine(
      (v) => !v.startsWith("sb_publishable_"),
      "SUPABASE_SECRET_KEY is a publishable key: use the secret key (sb_secret_…)",
    ),
  ),
  // Stripe calls a second the worker's background work (queue consumer, cron) may make; people
  // waiting go first and count too. Stripe allows 25/s in test mode and 100/s live: stay below.
  STRIPE_REQUESTS_PER_SECOND: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d+(\.\d+)?$/, "STRIPE_REQUESTS_PER_SECOND must be a number of requests a second")),
      z.pipe(
        z.transform((v: string) => Number(v)),
        z
          .number()
          .check(
            z.gte(1, "STRIPE_REQUESTS_PER_SECOND must be at least 1"),
            z.lte(10_000, "STRIPE_REQUESTS_PER_SECOND must be at most 10000"),
          ),
      ),
    ),
    DEFAULT_STRIPE_REQUESTS_PER_SECOND,
  ),
  // Lifecycle emails (issue 19): sent through Resend when RESEND_API_KEY is set (none sent without).
  RESEND_API_KEY: z.optional(
    z.string().check(z.regex(/^re_\S{8,}$/, "RESEND_API_KEY must be a Resend API key (re_…)")),
  ),
  // "Name <address@your-domain>" or a bare address on a domain verified in Resend.
  EMAIL_FROM: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/,
          "EMAIL_FROM must be an address (billing@your-domain.com) or Name <billing@your-domain.com>",
        ),
      ),
  ),
  // The sandbox's Resend stand-in (http://127.0.0.1:54321/resend); unset: api.resend.com.
  RESEND_API_URL: z.optional(url("RESEND_API_URL")),
  // Stripe Tax in Checkout ("true" | "false"; the sandbox turns it on). A deployed worker must say
  // which (production-guard.ts): "true" needs Stripe Tax set up in the dashboard (README).
  STRIPE_AUTOMATIC_TAX: z.optional(z.enum(["true", "false"], 'STRIPE_AUTOMATIC_TAX must be "true" or "false"')),
  // First retry delay of an email the provider did not take (then ×4 each time, at most 6 h).
  EMAIL_RETRY_BASE_SECONDS: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, "EMAIL_RETRY_BASE_SECONDS must be a whole number of seconds")),
      z.pipe(
        z.transform((v: string) => Number(v)),
        z.number().check(z.lte(3600, "EMAIL_RETRY_BASE_SECONDS must be at most 3600")),
      ),
    ),
    30,
  ),
  // The project's publishable key (sb_publishable_…, or the legacy anon key): with it the success
  // page's sync also answers the premium rows, read with the caller's own token (RLS decides, as for
  // the browser's read). Unset: the sync answers the entitlement only and the page reads the rows.
  SUPABASE_PUBLISHABLE_KEY: z.optional(
    z.string().check(
      z.minLength(20, "SUPABASE_PUBLISHABLE_KEY looks too short: use the project's publishable key (sb_publishable_…)"),
      z.refine(
        (v) => !v.startsWith("sb_secret_"),
        "SUPABASE_PUBLISHABLE_KEY is a secret key: use the publishable key (sb_publishable_…)",
      ),
    ),
  ),
  SUPABASE_JWT_SECRET: z.optional(
    z.string().check(z.minLength(32, "SUPABASE_JWT_SECRET must be the project's legacy JWT secret (32+ characters)")),
  ),
});

export type Config = z.infer<typeof envSchema>;

export class EnvError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid environment: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

const cache = new WeakMap<object, Config>();

/**
 * Parses the bindings once per isolate; throws EnvError naming every missing or malformed variable,
 * or every way a deployed configuration mixes in the sandbox (see production-guard.ts).
 */
export function parseEnv(bindings: object): Config {
  const hit = cache.get(bindings);
  if (hit) return hit;
  const raw = Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === "string" && v !== ""));
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)),
    );
  }
  if (result.data.RESEND_API_KEY && !result.data.EMAIL_FROM) {
    throw new EnvError(["EMAIL_FROM: is required with RESEND_API_KEY (the address lifecycle emails are sent from)"]);
  }
  const mixed = productionConfigProblems(result.data);
  if (mixed.length) throw new EnvError(mixed);
  cache.set(bindings, result.data);
  return result.data;
}
