// What `npm run test:live` needs to run the same specs against real services: a Stripe test-mode
// account, a Supabase project with Gatehouse's migrations, and the webhook forwarded to the local
// API by `stripe listen`. Read from the git-ignored `.env.live` (see `.env.live.example`).

import type { LiveConfig } from "@gatehouse/stack";

export type { LiveConfig };

export interface Missing {
  name: string;
  what: string;
}

export type LiveConfigResult =
  | { kind: "ready"; config: LiveConfig }
  | { kind: "missing"; missing: Missing[] }
  | { kind: "refused"; reason: string };

const REQUIRED: Array<Missing & { check: (v: string) => string | null }> = [
  {
    name: "STRIPE_SECRET_KEY",
    what: "a Stripe test-mode secret key (sk_test_…): Dashboard → Developers → API keys, in test mode",
    check: (v) => (/^(sk|rk)_test_\S+$/.test(v) ? null : "must be a test-mode secret key (sk_test_… or rk_test_…)"),
  },
  {
    name: "STRIPE_WEBHOOK_SECRET",
    what: "the whsec_… that `stripe listen --forward-to 127.0.0.1:8787/api/stripe/webhook` prints when it starts",
    check: (v) => (/^whsec_\S+$/.test(v) ? null : "must be a webhook signing secret (whsec_…)"),
  },
  {
    name: "SUPABASE_URL",
    what: "the Supabase project's URL (https://<ref>.supabase.co), migrations applied with `supabase db push`",
    check: (v) => (URL.canParse(v) && /^https?:/.test(v) ? null : "must be an http(s) URL"),
  },
  {
    name: "SUPABASE_SECRET_KEY",
    what: "the project's secret key (sb_secret_…): Project Settings → API Keys",
    check: (v) => (v.startsWith("sb_publishable_") ? "is a publishable key: use the secret key (sb_secret_…)" : null),
  },
  {
    name: "SUPABASE_PUBLISHABLE_KEY",
    what: "the project's publishable key (sb_publishable_…): Project Settings → API Keys",
    check: (v) => (v.startsWith("sb_secret_") ? "is a secret key: use the publishable key (sb_publishable_…)" : null),
  },
];

const LIVE_MODE = /^(sk|rk|pk)_live_/;

function port(raw: string | undefined, fallback: number, name: string): number | string {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : `${name} must be a port number (1–65535)`;
}

/** Decides from the environment whether the live lane can run, and refuses live-mode keys. */
export function readLiveConfig(env: Record<string, string | undefined>): LiveConfigResult {
  // Refused before anything else: the live lane creates and deletes customers and subscriptions.
  for (const name of ["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"]) {
    if (LIVE_MODE.test(env[name] ?? "")) {
      return {
        kind: "refused",
        reason: `${name} is a live-mode key: test:live creates and deletes customers, subscriptions and users, so it runs against Stripe's test mode only (sk_test_…)`,
      };
    }
  }
  const missing: Missing[] = [];
  const wrong: string[] = [];
  for (const r of REQUIRED) {
    const v = env[r.name]?.trim();
    if (!v) missing.push({ name: r.name, what: r.what });
    else {
      const problem = r.check(v);
      if (problem) wrong.push(`${r.name} ${problem}`);
    }
  }
  const apiPort = port(env.LIVE_API_PORT, 8787, "LIVE_API_PORT");
  const webPort = port(env.LIVE_WEB_PORT, 5173, "LIVE_WEB_PORT");
  if (typeof apiPort === "string") wrong.push(apiPort);
  if (typeof webPort === "string") wrong.push(webPort);
  const tax = env.STRIPE_AUTOMATIC_TAX ?? "false";
  if (tax !== "true" && tax !== "false") wrong.push('STRIPE_AUTOMATIC_TAX must be "true" or "false"');
  if (wrong.length > 0) return { kind: "refused", reason: wrong.join("; ") };
  if (missing.length > 0) return { kind: "missing", missing };
  const need = (name: string) => env[name]?.trim() ?? "";
  return {
    kind: "ready",
    config: {
      stripeSecretKey: need("STRIPE_SECRET_KEY"),
      stripeWebhookSecret: need("STRIPE_WEBHOOK_SECRET"),
      supabaseUrl: need("SUPABASE_URL").replace(/\/+$/, ""),
      supabaseSecretKey: need("SUPABASE_SECRET_KEY"),
      supabasePublishableKey: need("SUPABASE_PUBLISHABLE_KEY"),
      apiPort: apiPort as number,
      webPort: webPort as number,
      automaticTax: tax === "true",
    },
  };
}

/** The suites the live lane runs; each needs every variable above. */
export const LIVE_SUITES = [
  "API contract (e2e/specs/api-contract.spec.ts)",
  "sign in, pay, unlock in the same tab (e2e/specs/subscribe.spec.ts, @live)",
] as const;

/** What a person reads when variables are missing: each suite skipped, and what to set. */
export function skippedReport(missing: Missing[]): string {
  const lines = [
    "test:live: nothing ran: .env.live (or the environment) lacks what the live lane needs.",
    "Skipped:",
    ...LIVE_SUITES.map((s) => `  - ${s}: needs ${missing.map((m) => m.name).join(", ")}`),
    "Set:",
    ...missing.map((m) => `  ${m.name}: ${m.what}`),
    "See CONTRIBUTING.md, “Against the real services”.",
  ];
  return `${lines.join("\n")}\n`;
}
