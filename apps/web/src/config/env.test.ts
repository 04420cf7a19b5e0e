import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

const valid = {
  VITE_SUPABASE_URL: "http://127.0.0.1:54321/",
  VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_x",
  VITE_API_URL: "https://api.example.com",
};

describe("parseEnv", () => {
  it("returns a typed env without trailing slashes and detects the sandbox", () => {
    const result = parseEnv(valid);
    expect(result).toEqual({
      ok: true,
      env: {
        supabaseUrl: "http://127.0.0.1:54321",
        supabasePublishableKey: "sb_publishable_x",
        apiUrl: "https://api.example.com",
        isSandbox: true,
      },
    });
  });

  it("reports a missing variable by name", () => {
    const { VITE_API_URL: _omitted, ...rest } = valid;
    const result = parseEnv(rest);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ name: "VITE_API_URL", reason: "is missing" }]);
  });

  it("reports every bad variable, including a malformed URL", () => {
    const result = parseEnv({ VITE_SUPABASE_URL: "not a url", VITE_SUPABASE_PUBLISHABLE_KEY: " " });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.name)).toEqual([
      "VITE_SUPABASE_URL",
      "VITE_SUPABASE_PUBLISHABLE_KEY",
      "VITE_API_URL",
    ]);
    expect(result.problems[0]?.reason).toBe("must be an http(s) URL");
  });

  it("does not treat a hosted Supabase URL as the sandbox", () => {
    const result = parseEnv({ ...valid, VITE_SUPABASE_URL: "https://abc.supabase.co" });
    expect(result.ok && result.env.isSandbox).toBe(false);
  });
});
