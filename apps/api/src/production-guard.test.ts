import { describe, expect, test } from "vitest";
import type { Config } from "./env.ts";
import { isLocalUrl, isProductionConfig, productionConfigProblems } from "./production-guard.ts";

// The sandbox's keys, spelled out: the worker must not import the sandbox package.
const SANDBOX = {
  STRIPE_SECRET_KEY: "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000",
  STRIPE_WEBHOOK_SECRET: "whsec_SANDBOX_ONLY_not_a_real_secret_0000000000",
  SUPABASE_SECRET_KEY: "sb_secret_SANDBOX-ONLY-not-a-real-key-00000000",
};

const dev: Config = {
  APP_URL: "http://127.0.0.1:5173",
  SUPABASE_URL: "http://127.0.0.1:54321",
  STRIPE_API_URL: "http://127.0.0.1:12111",
  STRIPE_REQUESTS_PER_SECOND: 20,
  EMAIL_RETRY_BASE_SECONDS: 30,
  ...SANDBOX,
};

const prod: Config = {
  APP_URL: "https://gatehouse.acme.dev",
  SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  STRIPE_SECRET_KEY: "sk_live_FAKE_test_fixture_not_a_key",
  STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef0123456789abcdef",
  SUPABASE_SECRET_KEY: "sb_secret_0123456789abcdefghijklmnop",
  STRIPE_REQUESTS_PER_SECOND: 20,
  STRIPE_AUTOMATIC_TAX: "true",
  EMAIL_RETRY_BASE_SECONDS: 30,
};

const without = (config: Config, key: keyof Config): Config => {
  const copy = { ...config };
  delete copy[key];
  return copy;
};

test("a deployed worker must say whether Checkout charges tax (STRIPE_AUTOMATIC_TAX)", () => {
  const problems = productionConfigProblems(without(prod, "STRIPE_AUTOMATIC_TAX"));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^STRIPE_AUTOMATIC_TAX: .*Stripe Tax/);
  expect(productionConfigProblems({ ...prod, STRIPE_AUTOMATIC_TAX: "false" })).toEqual([]);
  expect(productionConfigProblems(without(dev, "STRIPE_AUTOMATIC_TAX"))).toEqual([]);
});

describe("productionConfigProblems", () => {
  test.each<[string, Config]>([
    ["the offline sandbox", dev],
    ["a production deploy with live keys", prod],
    ["a production deploy in Stripe test mode (staging)", { ...prod, STRIPE_SECRET_KEY: "sk_test_51AbCdEfGh" }],
    ["a restricted live key", { ...prod, STRIPE_SECRET_KEY: "rk_live_FAKE_test_fixture" }],
    ["the legacy JWT secret of a real project", { ...prod, SUPABASE_JWT_SECRET: "x".repeat(40) }],
    [
      "Resend with a verified sender in production",
      { ...prod, RESEND_API_KEY: "re_123456789abcdef", EMAIL_FROM: "Gatehouse <billing@mail.acme.dev>" },
    ],
    [
      "the sandbox's Resend stand-in in local dev",
      {
        ...dev,
        RESEND_API_KEY: "re_SANDBOX_ONLY_not_a_real_key_0000000000",
        RESEND_API_URL: "http://127.0.0.1:54321/resend",
        EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
      },
    ],
    [
      "local dev against real Stripe test mode and `supabase start`",
      {
        ...without(dev, "STRIPE_API_URL"),
        STRIPE_SECRET_KEY: "sk_test_51AbCdEf",
        SUPABASE_SECRET_KEY: "sb_secret_local_cli_key_0000000",
      },
    ],
    ["localhost spelled as a name", { ...dev, APP_URL: "http://localhost:5173" }],
  ])("accepts %s", (_name, config) => {
    expect(productionConfigProblems(config)).toEqual([]);
  });

  test.each<[string, Config, RegExp]>([
    [
      "a sandbox Stripe key on a public APP_URL",
      { ...prod, STRIPE_SECRET_KEY: SANDBOX.STRIPE_SECRET_KEY },
      /^STRIPE_SECRET_KEY: is the offline sandbox's fake key.*wrangler secret put STRIPE_SECRET_KEY/,
    ],
    [
      "a sandbox webhook secret on a public APP_URL",
      { ...prod, STRIPE_WEBHOOK_SECRET: SANDBOX.STRIPE_WEBHOOK_SECRET },
      /^STRIPE_WEBHOOK_SECRET: is the offline sandbox's/,
    ],
    [
      "a sandbox Supabase key on a public APP_URL",
      { ...prod, SUPABASE_SECRET_KEY: SANDBOX.SUPABASE_SECRET_KEY },
      /^SUPABASE_SECRET_KEY: is the offline sandbox's/,
    ],
    [
      "a sandbox JWT secret on a public APP_URL",
      { ...prod, SUPABASE_JWT_SECRET: "SANDBOX-ONLY-jwt-secret-000000000000000" },
      /^SUPABASE_JWT_SECRET: is the offline sandbox's/,
    ],
    [
      "the sandbox's Resend key on a public APP_URL",
      { ...prod, RESEND_API_KEY: "re_SANDBOX_ONLY_not_a_real_key_0000000000", EMAIL_FROM: "billing@mail.acme.dev" },
      /^RESEND_API_KEY: is the offline sandbox's fake key/,
    ],
    [
      "RESEND_API_URL in production",
      {
        ...prod,
        RESEND_API_KEY: "re_123456789abcdef",
        EMAIL_FROM: "billing@mail.acme.dev",
        RESEND_API_URL: "http://127.0.0.1:54321/resend",
      },
      /^RESEND_API_URL: sends emails to http:\/\/127.0.0.1:54321\/resend/,
    ],
    [
      "a test-domain sender in production",
      { ...prod, RESEND_API_KEY: "re_123456789abcdef", EMAIL_FROM: "Gatehouse <billing@gatehouse.test>" },
      /^EMAIL_FROM: Gatehouse <billing@gatehouse.test> is a placeholder or test domain/,
    ],
    [
      "STRIPE_API_URL in production",
      { ...prod, STRIPE_API_URL: "https://stripe-mock.acme.dev" },
      /^STRIPE_API_URL: sends Stripe calls to https:\/\/stripe-mock.acme.dev/,
    ],
    [
      "a plain-http APP_URL in production",
      { ...prod, STRIPE_SECRET_KEY: "sk_test_1", APP_URL: "http://gatehouse.acme.dev" },
      /^APP_URL: http:\/\/gatehouse.acme.dev is not https/,
    ],
    [
      "a local SUPABASE_URL in production",
      { ...prod, SUPABASE_URL: "http://127.0.0.1:54321" },
      /^SUPABASE_URL: .* is a local address/,
    ],
    [
      "a plain-http SUPABASE_URL in production",
      { ...prod, SUPABASE_URL: "http://db.acme.dev" },
      /^SUPABASE_URL: http:\/\/db.acme.dev is not https/,
    ],
    [
      "the example APP_URL left in place",
      { ...prod, APP_URL: "https://gatehouse.example.com" },
      /^APP_URL: .* still the placeholder/,
    ],
    [
      "the example Supabase project left in place",
      { ...prod, SUPABASE_URL: "https://your-project-ref.supabase.co" },
      /^SUPABASE_URL: .* still the placeholder/,
    ],
    [
      "a live key with an http APP_URL",
      { ...dev, STRIPE_SECRET_KEY: "sk_live_51AbCd", STRIPE_API_URL: undefined },
      /^STRIPE_SECRET_KEY: a live-mode key .* http APP_URL/,
    ],
    [
      "a live key sent to the sandbox",
      { ...dev, APP_URL: "https://localhost:5173", STRIPE_SECRET_KEY: "sk_live_51AbCd" },
      /^STRIPE_API_URL: a live-mode key must only ever be sent to api.stripe.com/,
    ],
    [
      "the sandbox Stripe key without the sandbox URL",
      without(dev, "STRIPE_API_URL"),
      /^STRIPE_SECRET_KEY: is the sandbox's fake key but STRIPE_API_URL is not set/,
    ],
    [
      "the sandbox Supabase key with a real project",
      { ...dev, SUPABASE_URL: "https://abcdefghijklmnop.supabase.co" },
      /^SUPABASE_SECRET_KEY: is the sandbox's fake key but SUPABASE_URL/,
    ],
    [
      "a real test key sent to a remote STRIPE_API_URL",
      { ...dev, STRIPE_SECRET_KEY: "sk_test_51AbCd", STRIPE_API_URL: "https://stripe-proxy.acme.dev" },
      /^STRIPE_API_URL: sends a real Stripe key to https:\/\/stripe-proxy.acme.dev/,
    ],
  ])("refuses %s", (_name, config, expected) => {
    const problems = productionConfigProblems(config);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });

  test("names every problem of the sandbox configuration deployed as is", () => {
    const problems = productionConfigProblems({ ...dev, APP_URL: "https://gatehouse.acme.dev" });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "SUPABASE_SECRET_KEY",
      "STRIPE_API_URL",
      "SUPABASE_URL",
      "STRIPE_AUTOMATIC_TAX",
    ]);
  });

  test("does not echo secret values in its messages", () => {
    const secret = "sk_live_FAKE_top_secret_value";
    const problems = productionConfigProblems({ ...dev, STRIPE_SECRET_KEY: secret });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).not.toContain(secret);
    expect(
      productionConfigProblems({ ...prod, STRIPE_SECRET_KEY: SANDBOX.STRIPE_SECRET_KEY }).join("\n"),
    ).not.toContain(SANDBOX.STRIPE_SECRET_KEY);
  });
});

describe("isLocalUrl", () => {
  // Loopback (all of 127/8, ::1) and the unspecified address, then localhost and its subdomains.
  test.each(["http://127.0.0.1:5173", "http://127.10.0.1", "http://[::1]:5173", "http://0.0.0.0:5173"])(
    "%s is local",
    (url) => {
      expect(isLocalUrl(url)).toBe(true);
    },
  );

  test.each(["http://localhost:8787", "http://app.localhost"])("%s is local", (url) => {
    expect(isLocalUrl(url)).toBe(true);
  });

  test.each(["https://gatehouse.acme.dev", "https://127.0.0.1.nip.io", "https://localhost.acme.dev", "not a url"])(
    "%s is not",
    (url) => {
      expect(isLocalUrl(url)).toBe(false);
    },
  );

  test("a deployed configuration is one whose APP_URL is not local", () => {
    expect(isProductionConfig(prod)).toBe(true);
    expect(isProductionConfig(dev)).toBe(false);
  });
});
