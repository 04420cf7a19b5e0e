import { describe, expect, test } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

const good = {
  APP_URL: "https://app.example.com/",
  STRIPE_SECRET_KEY: "sk_test_123",
  STRIPE_WEBHOOK_SECRET: "whsec_123",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_SECRET_KEY: "sb_secret_abcdefghijklmnopqrstuvwxyz",
};

describe("parseEnv", () => {
  test("accepts a complete configuration and trims trailing slashes", () => {
    expect(parseEnv({ ...good }).APP_URL).toBe("https://app.example.com");
  });

  test("names every missing variable in one error", () => {
    try {
      parseEnv({ APP_URL: "https://x.example" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      const text = (e as EnvError).problems.join(" ");
      for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SUPABASE_URL", "SUPABASE_SECRET_KEY"]) {
        expect(text).toContain(name);
      }
    }
  });

  test.each([
    ["STRIPE_SECRET_KEY", "pk_test_123", "Stripe secret key"],
    ["STRIPE_WEBHOOK_SECRET", "secret", "whsec_"],
    ["SUPABASE_URL", "not a url", "http(s) URL"],
    ["SUPABASE_SECRET_KEY", "sb_publishable_abcdefghijklmnopqrstuvwxyz", "publishable key"],
  ])("refuses a malformed %s", (name, value, hint) => {
    expect(() => parseEnv({ ...good, [name]: value })).toThrow(hint);
  });
});
