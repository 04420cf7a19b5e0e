import { describe, expect, test } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

const good = {
  APP_URL: "https://app.gatehouse.dev/",
  STRIPE_SECRET_KEY: "sk_test_123",
  STRIPE_WEBHOOK_SECRET: "whsec_123",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_SECRET_KEY: "sb_secret_abcdefghijklmnopqrstuvwxyz",
  STRIPE_AUTOMATIC_TAX: "true",
};

describe("parseEnv", () => {
  test("accepts a complete configuration and trims trailing slashes", () => {
    expect(parseEnv({ ...good }).APP_URL).toBe("https://app.gatehouse.dev");
  });

  test("names every missing variable in one error", () => {
    try {
      parseEnv({ APP_URL: "https://app.gatehouse.dev" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      const text = (e as EnvError).problems.join(" ");
      for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SUPABASE_URL", "SUPABASE_SECRET_KEY"]) {
        expect(text).toContain(name);
      }
    }
  });

  test("lifecycle emails: optional, but RESEND_API_KEY needs EMAIL_FROM", () => {
    expect(parseEnv({ ...good }).RESEND_API_KEY).toBeUndefined();
    const withMail = { ...good, RESEND_API_KEY: "re_123456789", EMAIL_FROM: "Gatehouse <billing@mail.gatehouse.dev>" };
    expect(parseEnv(withMail).EMAIL_FROM).toBe("Gatehouse <billing@mail.gatehouse.dev>");
    expect(() => parseEnv({ ...good, RESEND_API_KEY: "re_123456789" })).toThrow(
      /EMAIL_FROM: is required with RESEND_API_KEY/,
    );
  });

  test("STRIPE_AUTOMATIC_TAX is true or false, and a deployed configuration must set it", () => {
    expect(parseEnv({ ...good, STRIPE_AUTOMATIC_TAX: "false" }).STRIPE_AUTOMATIC_TAX).toBe("false");
    expect(() => parseEnv({ ...good, STRIPE_AUTOMATIC_TAX: "yes" })).toThrow(
      /STRIPE_AUTOMATIC_TAX must be "true" or "false"/,
    );
    const { STRIPE_AUTOMATIC_TAX: _unset, ...withoutTax } = good;
    expect(() => parseEnv(withoutTax)).toThrow(/STRIPE_AUTOMATIC_TAX: say whether Checkout charges tax/);
  });

  test("SUPABASE_PUBLISHABLE_KEY is optional (the sync then answers no content)", () => {
    expect(parseEnv({ ...good }).SUPABASE_PUBLISHABLE_KEY).toBeUndefined();
    const key = "sb_publishable_abcdefghijklmnopqrstuvwxyz";
    expect(parseEnv({ ...good, SUPABASE_PUBLISHABLE_KEY: key }).SUPABASE_PUBLISHABLE_KEY).toBe(key);
  });

  test("STRIPE_REQUESTS_PER_SECOND defaults below Stripe's test-mode limit and takes a number", () => {
    expect(parseEnv({ ...good }).STRIPE_REQUESTS_PER_SECOND).toBe(20);
    expect(parseEnv({ ...good, STRIPE_REQUESTS_PER_SECOND: "80" }).STRIPE_REQUESTS_PER_SECOND).toBe(80);
  });

  test.each([
    ["STRIPE_REQUESTS_PER_SECOND", "fast", "number of requests a second"],
    ["STRIPE_REQUESTS_PER_SECOND", "0", "at least 1"],
    ["STRIPE_SECRET_KEY", "pk_test_123", "Stripe secret key"],
    ["STRIPE_WEBHOOK_SECRET", "secret", "whsec_"],
    ["RESEND_API_KEY", "sk_123456789", "Resend API key (re_"],
    ["EMAIL_FROM", "Gatehouse", "EMAIL_FROM must be an address"],
    ["RESEND_API_URL", "not a url", "http(s) URL"],
    ["SUPABASE_URL", "not a url", "http(s) URL"],
    ["SUPABASE_SECRET_KEY", "sb_publishable_abcdefghijklmnopqrstuvwxyz", "publishable key"],
    ["SUPABASE_PUBLISHABLE_KEY", "sb_secret_abcdefghijklmnopqrstuvwxyz", "is a secret key: use the publishable key"],
    ["SUPABASE_PUBLISHABLE_KEY", "sb_publishable_", "looks too short"],
  ])("refuses a malformed %s", (name, value, hint) => {
    expect(() => parseEnv({ ...good, [name]: value })).toThrow(hint);
  });
});

describe("parseEnv on a deployed worker", () => {
  test("refuses the sandbox's keys when APP_URL is public", () => {
    expect(() =>
      parseEnv({
        ...good,
        STRIPE_SECRET_KEY: "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000",
        STRIPE_WEBHOOK_SECRET: "whsec_SANDBOX_ONLY_not_a_real_secret_0000000000",
      }),
    ).toThrow(/STRIPE_SECRET_KEY.*sandbox/);
  });

  test("accepts the sandbox's keys for a local APP_URL", () => {
    expect(
      parseEnv({
        ...good,
        APP_URL: "http://127.0.0.1:5173",
        STRIPE_API_URL: "http://127.0.0.1:12111",
        STRIPE_SECRET_KEY: "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000",
      }).APP_URL,
    ).toBe("http://127.0.0.1:5173");
  });
});
