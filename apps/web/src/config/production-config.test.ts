import { describe, expect, it } from "vitest";
import { checkWebProductionConfig, isLocalAddress } from "./production-config.ts";

const production = {
  VITE_SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_0123456789abcdef",
  VITE_API_URL: "https://gatehouse-api.acme.workers.dev",
};
// base64url of {"role":"service_role"} / {"role":"anon"} between two dummy parts.
const legacyKey = (role: string) => `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify({ role })).replace(/=+$/, "")}.sig`;

describe("checkWebProductionConfig", () => {
  it("accepts the deployed project's values", () => {
    expect(checkWebProductionConfig(production, { placeholders: true })).toEqual({ problems: [], missing: [] });
  });

  it.each([
    ["VITE_API_URL", "http://127.0.0.1:8787", /is a local address/],
    ["VITE_API_URL", "http://localhost:8787", /is a local address/],
    ["VITE_SUPABASE_URL", "http://[::1]:54321", /is a local address/],
    ["VITE_SUPABASE_URL", "http://app.localhost", /is a local address/],
    ["VITE_API_URL", "http://api.acme.dev", /is not https/],
    ["VITE_API_URL", "ftp://api.acme.dev", /is not an http\(s\) URL/],
    ["VITE_SUPABASE_PUBLISHABLE_KEY", "sb_publishable_SANDBOX-ONLY-not-a-real-key-0000", /offline sandbox's fake key/],
    ["VITE_SUPABASE_PUBLISHABLE_KEY", "sb_secret_0123456789abcdef", /is a secret key/],
    ["VITE_SUPABASE_PUBLISHABLE_KEY", legacyKey("service_role"), /is a secret key/],
  ])("refuses %s=%s", (name, value, reason) => {
    const { problems } = checkWebProductionConfig({ ...production, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${name}: `)).toBe(true);
    expect(problems[0]).toMatch(reason);
  });

  it("accepts a legacy anon JWT as the publishable key", () => {
    const result = checkWebProductionConfig({ ...production, VITE_SUPABASE_PUBLISHABLE_KEY: legacyKey("anon") });
    expect(result.problems).toEqual([]);
  });

  it("lists missing values apart from problems", () => {
    expect(checkWebProductionConfig({ VITE_API_URL: " " })).toEqual({
      problems: [],
      missing: ["VITE_SUPABASE_URL", "VITE_SUPABASE_PUBLISHABLE_KEY", "VITE_API_URL"],
    });
  });

  it("refuses the example configuration's placeholders only when asked", () => {
    const placeholders = {
      VITE_SUPABASE_URL: "https://your-project-ref.supabase.co",
      VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_placeholder",
      VITE_API_URL: "https://api.gatehouse.example.com",
    };
    expect(checkWebProductionConfig(placeholders).problems).toEqual([]);
    expect(checkWebProductionConfig(placeholders, { placeholders: true }).problems.map((p) => p.split(":")[0])).toEqual(
      ["VITE_SUPABASE_URL", "VITE_API_URL", "VITE_SUPABASE_PUBLISHABLE_KEY"],
    );
  });

  it("knows which addresses are this machine's", () => {
    expect(["http://127.0.0.2", "http://0.0.0.0:1", "http://LOCALHOST"].every(isLocalAddress)).toBe(true);
    expect(["https://127.example.com", "not a url", "https://10.0.0.1"].some(isLocalAddress)).toBe(false);
  });
});
