// `npm run test:live` itself: it refuses live-mode keys and says what it skipped, and why, when
// `.env.live` lacks a variable. Run through the real launcher (src/live.ts), as a person runs it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { readLiveConfig } from "../src/live-config.ts";

const READY = {
  STRIPE_SECRET_KEY: "sk_test_fake_0000000000000000",
  STRIPE_WEBHOOK_SECRET: "whsec_fake_000000000000",
  SUPABASE_URL: "https://abcdefghijklmnop.supabase.co/",
  SUPABASE_SECRET_KEY: "sb_secret_fake_00000000000000",
  SUPABASE_PUBLISHABLE_KEY: "sb_publishable_fake_000000000",
};

/** Runs the launcher with only `vars` (no inherited Stripe/Supabase variables) and an env file. */
function launch(fileText: string): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-live-"));
  try {
    const file = join(dir, ".env.live");
    writeFileSync(file, fileText);
    const r = spawnSync(process.execPath, ["src/live.ts"], {
      cwd: join(import.meta.dirname, ".."),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GATEHOUSE_LIVE_ENV_FILE: file },
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the live lane's configuration: ready, missing, refused", () => {
  const ready = readLiveConfig(READY);
  expect(ready.kind).toBe("ready");
  if (ready.kind === "ready") {
    expect(ready.config.supabaseUrl).toBe("https://abcdefghijklmnop.supabase.co");
    expect(ready.config.apiPort).toBe(8787);
    expect(ready.config.automaticTax).toBe(false);
  }
  const missing = readLiveConfig({ ...READY, STRIPE_WEBHOOK_SECRET: "", SUPABASE_URL: undefined });
  expect(missing).toMatchObject({ kind: "missing" });
  if (missing.kind === "missing")
    expect(missing.missing.map((m) => m.name)).toEqual(["STRIPE_WEBHOOK_SECRET", "SUPABASE_URL"]);
  expect(readLiveConfig({ ...READY, STRIPE_SECRET_KEY: "sk_live_real_000000" })).toMatchObject({ kind: "refused" });
  expect(readLiveConfig({ ...READY, STRIPE_SECRET_KEY: "rk_live_real_000000" })).toMatchObject({ kind: "refused" });
  expect(readLiveConfig({ ...READY, SUPABASE_SECRET_KEY: "sb_publishable_oops_0000" })).toMatchObject({
    kind: "refused",
  });
  expect(readLiveConfig({ ...READY, LIVE_API_PORT: "http" })).toMatchObject({ kind: "refused" });
});

test("test:live refuses a live-mode key before anything runs", () => {
  const r = launch("STRIPE_SECRET_KEY=sk_live_not_for_tests_0000\n");
  expect(r.status).toBe(2);
  expect(r.out).toContain("refused: STRIPE_SECRET_KEY is a live-mode key");
});

test("test:live says what it skipped and why when variables are missing", () => {
  const r = launch("STRIPE_SECRET_KEY=sk_test_fake_0000000000000000\n");
  expect(r.status).toBe(0);
  expect(r.out).toContain("nothing ran");
  expect(r.out).toMatch(
    /API contract .*: needs STRIPE_WEBHOOK_SECRET, SUPABASE_URL, SUPABASE_SECRET_KEY, SUPABASE_PUBLISHABLE_KEY/,
  );
  expect(r.out).toContain("STRIPE_WEBHOOK_SECRET: the whsec_");
  expect(r.out).not.toContain("STRIPE_SECRET_KEY:");
});
