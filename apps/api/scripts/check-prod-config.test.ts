import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SANDBOX_PUBLISHABLE_KEY } from "@gatehouse/sandbox";
import { afterAll, describe, expect, test } from "vitest";
import { checkProdConfig } from "./check-prod-config.ts";
import { readWranglerVars, stripJsonc } from "./read-wrangler-vars.ts";
import { runScript } from "./run-script.ts";

const secrets = {
  STRIPE_SECRET_KEY: "sk_live_FAKE_test_fixture_not_a_key",
  STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef0123456789abcdef",
  SUPABASE_SECRET_KEY: "sb_secret_0123456789abcdefghijklmnop",
};
const vars = {
  APP_URL: "https://gatehouse.acme.dev",
  SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  STRIPE_AUTOMATIC_TAX: "true",
};
/** The SPA's values, in the same env file. */
const web = {
  VITE_SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_0123456789abcdef",
  VITE_API_URL: "https://gatehouse-api.acme.workers.dev",
};

const dir = mkdtempSync(join(tmpdir(), "gatehouse-prod-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envFile(name: string, values: Record<string, string>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `# test\n${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
  );
  return path;
}

const run = (args: string[]) => runScript("check-prod-config.ts", args, {}, 30_000);

describe("checkProdConfig", () => {
  test("accepts a production configuration with real secrets", () => {
    expect(checkProdConfig(vars, { ...secrets, ...web })).toEqual({ problems: [], notes: [] });
  });

  test("names every missing secret, as the worker would at start-up", () => {
    const { problems } = checkProdConfig(vars, web);
    expect(problems).toEqual([
      "STRIPE_SECRET_KEY: STRIPE_SECRET_KEY is required",
      "STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET is required",
      "SUPABASE_SECRET_KEY: SUPABASE_SECRET_KEY is required",
    ]);
  });

  test("refuses the sandbox's keys and URL in production", () => {
    const { problems } = checkProdConfig(vars, {
      STRIPE_SECRET_KEY: "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000",
      STRIPE_WEBHOOK_SECRET: "whsec_SANDBOX_ONLY_not_a_real_secret_0000000000",
      SUPABASE_SECRET_KEY: "sb_secret_SANDBOX-ONLY-not-a-real-key-00000000",
      STRIPE_API_URL: "http://127.0.0.1:12111",
      ...web,
    });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "SUPABASE_SECRET_KEY",
      "STRIPE_API_URL",
      "SUPABASE_SECRET_KEY",
    ]);
  });

  test("refuses a development configuration", () => {
    const { problems } = checkProdConfig(
      { APP_URL: "http://127.0.0.1:5173", SUPABASE_URL: "http://127.0.0.1:54321" },
      {
        ...secrets,
        STRIPE_SECRET_KEY: "sk_test_51AbCd",
      },
    );
    expect(problems[0]).toMatch(/^APP_URL: .* is a local address/);
  });

  test("notes test mode and values the env file overrides", () => {
    const { problems, notes } = checkProdConfig(vars, {
      ...secrets,
      ...web,
      STRIPE_SECRET_KEY: "sk_test_51AbCd",
      APP_URL: "https://app.acme.dev",
    });
    expect(problems).toEqual([]);
    expect(notes.join("\n")).toMatch(/APP_URL: the env file overrides wrangler.jsonc/);
    expect(notes.join("\n")).toMatch(/test-mode key/);
  });

  test("checks the SPA's VITE_* values as the production build does: the sandbox's local URLs and key are refused", () => {
    const { problems } = checkProdConfig(vars, {
      ...secrets,
      VITE_SUPABASE_URL: "http://127.0.0.1:54321",
      VITE_SUPABASE_PUBLISHABLE_KEY: SANDBOX_PUBLISHABLE_KEY,
      VITE_API_URL: "http://localhost:8787",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^VITE_SUPABASE_URL: http:\/\/127\.0\.0\.1:54321 is a local address/),
      expect.stringMatching(/^VITE_API_URL: http:\/\/localhost:8787 is a local address/),
      expect.stringMatching(/^VITE_SUPABASE_PUBLISHABLE_KEY: is the offline sandbox's fake key/),
    ]);
  });

  test("names each missing VITE_* value and refuses the example's placeholders and a secret key in the SPA", () => {
    expect(checkProdConfig(vars, secrets).problems).toEqual(
      ["VITE_SUPABASE_URL", "VITE_SUPABASE_PUBLISHABLE_KEY", "VITE_API_URL"].map(
        (name) =>
          `${name}: is missing; the SPA's production build needs it (in the env file, or pass --web-env-file apps/web/.env.production.local)`,
      ),
    );
    const { problems } = checkProdConfig(vars, {
      ...secrets,
      VITE_SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
      VITE_SUPABASE_PUBLISHABLE_KEY: "sb_secret_0123456789abcdefghijklmnop",
      VITE_API_URL: "https://gatehouse-api.your-subdomain.workers.dev",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^VITE_API_URL: .* is still the placeholder/),
      expect.stringMatching(/^VITE_SUPABASE_PUBLISHABLE_KEY: is a secret key/),
    ]);
  });

  test("refuses an SPA pointed at another Supabase project than the API", () => {
    const { problems } = checkProdConfig(vars, {
      ...secrets,
      ...web,
      VITE_SUPABASE_URL: "https://zyxwvutsrqponmlk.supabase.co",
    });
    expect(problems).toEqual([expect.stringMatching(/^VITE_SUPABASE_URL: .* is not the project the API uses/)]);
  });
});

describe("wrangler.jsonc", () => {
  test("JSONC comments and trailing commas are removed, strings kept", () => {
    const text = '{\n  // c\n  "url": "https://x.dev/a//b", /* block */ "n": [1, 2,],\n}';
    expect(JSON.parse(stripJsonc(text))).toEqual({ url: "https://x.dev/a//b", n: [1, 2] });
  });

  test("env.production carries placeholder URLs the check refuses until they are replaced", () => {
    const production = readWranglerVars(join(import.meta.dirname, "..", "wrangler.jsonc"), "production");
    expect(Object.keys(production).sort()).toEqual(["APP_URL", "STRIPE_AUTOMATIC_TAX", "SUPABASE_URL"]);
    const { problems } = checkProdConfig(production, secrets);
    expect(problems.join("\n")).toMatch(/still the placeholder/);
  });

  test("the top level is the local development configuration", () => {
    const local = readWranglerVars(join(import.meta.dirname, "..", "wrangler.jsonc"));
    expect(local.APP_URL).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});

describe("the command", () => {
  test("exits 0 for a sound production env file", async () => {
    const file = envFile("good.env", { ...vars, ...secrets, ...web });
    const res = await run(["--env-file", file]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("is a consistent production configuration");
  });

  test("exits 1 and lists the problems for the sandbox's values", async () => {
    const file = envFile("sandbox.env", {
      STRIPE_SECRET_KEY: "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000",
      STRIPE_WEBHOOK_SECRET: "whsec_SANDBOX_ONLY_not_a_real_secret_0000000000",
      SUPABASE_SECRET_KEY: "sb_secret_SANDBOX-ONLY-not-a-real-key-00000000",
    });
    const res = await run(["--env-file", file]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/problem\(s\) in/);
    expect(res.stderr).toMatch(/STRIPE_SECRET_KEY: is the offline sandbox's fake key/);
    expect(res.stderr).toMatch(/APP_URL: .* still the placeholder/);
  });

  test("--web-env-file overlays the SPA's values: a sandbox .env.local-style file fails the check", async () => {
    const file = envFile("good-worker.env", { ...vars, ...secrets, ...web });
    const spa = envFile("spa.env", { VITE_API_URL: "http://127.0.0.1:8787" });
    const res = await run(["--env-file", file, "--web-env-file", spa]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/1 problem\(s\) in/);
    expect(res.stderr).toMatch(/VITE_API_URL: http:\/\/127\.0\.0\.1:8787 is a local address/);
  });

  test("says so in one line when the file does not exist", async () => {
    const missing = join(dir, "nope.env");
    const res = await run([missing]);
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe(
      `check:prod-config: ${missing} does not exist (copy .env.example and fill in the production values)`,
    );
    // With --env-file, Node 22 notices the missing file first: still one line, still a failure.
    const flagged = await run(["--env-file", missing]);
    expect(flagged.status).not.toBe(0);
    expect(flagged.stderr.trim().split("\n")).toHaveLength(1);
    expect(flagged.stderr).toContain("nope.env");
  });
});
