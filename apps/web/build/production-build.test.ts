// The real `vite build` of this app, as a child process: what the production guard refuses, the
// dist/_headers every build writes, and the prerendered pages (build/prerender-plugin.ts).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { enFirst } from "../src/features/i18n/dictionary-en.ts";
import { enPages } from "../src/features/i18n/dictionary-en-pages.ts";
import { fr } from "../src/features/i18n/dictionary-fr.ts";

const appDir = join(import.meta.dirname, "..");
const vite = join(appDir, "node_modules", ".bin", "vite");
const work = mkdtempSync(join(tmpdir(), "gatehouse-web-build-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sandboxValues = {
  VITE_SUPABASE_URL: "http://127.0.0.1:54321",
  VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_SANDBOX-ONLY-not-a-real-key-0000",
  VITE_API_URL: "http://127.0.0.1:8787",
};
const productionValues = {
  VITE_SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  VITE_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_0123456789abcdef",
  VITE_API_URL: "https://gatehouse-api.acme.workers.dev",
};

function build(mode: string, values: Record<string, string>, outDir: string) {
  return new Promise<{ status: number | null; output: string }>((resolve, reject) => {
    execFile(
      vite,
      ["build", "--mode", mode, "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
      { cwd: appDir, env: { PATH: process.env.PATH ?? "", ...values }, timeout: 120_000 },
      (error, stdout, stderr) => {
        // A non-zero exit is an answer (its status); killed by the timeout or a signal: status null.
        if (error && typeof error.code !== "number" && !error.killed && !error.signal) reject(error);
        else
          resolve({
            status: error ? (typeof error.code === "number" ? error.code : null) : 0,
            output: stdout + stderr,
          });
      },
    );
  });
}

describe("vite build", () => {
  it("refuses --mode production with the sandbox's local URLs and key, naming each, and writes nothing", async () => {
    const outDir = join(work, "refused");
    const res = await build("production", sandboxValues, outDir);
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("refusing a production build with sandbox or local values (3 problem(s))");
    expect(res.output).toContain("VITE_SUPABASE_URL: http://127.0.0.1:54321 is a local address");
    expect(res.output).toContain("VITE_API_URL: http://127.0.0.1:8787 is a local address");
    expect(res.output).toContain("VITE_SUPABASE_PUBLISHABLE_KEY: is the offline sandbox's fake key");
    expect(res.output).not.toMatch(/\n\s+at /);
    expect(existsSync(join(outDir, "index.html"))).toBe(false);
  }, 120_000);

  it("refuses --mode production with a secret key even when the URLs are real", async () => {
    const res = await build(
      "production",
      { ...productionValues, VITE_SUPABASE_PUBLISHABLE_KEY: "sb_secret_0123456789abcdef" },
      join(work, "secret"),
    );
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("VITE_SUPABASE_PUBLISHABLE_KEY: is a secret key");
  }, 120_000);

  it("builds for production with deployed values and writes _headers allowing exactly the app, Supabase and the API", async () => {
    const outDir = join(work, "production");
    const res = await build("production", productionValues, outDir);
    expect(res.output).toBe("");
    expect(res.status).toBe(0);
    const headers = readFileSync(join(outDir, "_headers"), "utf8");
    const csp = headers.match(/\n {2}Content-Security-Policy: (.+)\n/)?.[1] ?? "";
    expect(csp.replace(/ 'sha256-[\w+/=]+'/g, "")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' https://abcdefghijklmnop.supabase.co wss://abcdefghijklmnop.supabase.co https://gatehouse-api.acme.workers.dev; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(headers).toContain("  X-Content-Type-Options: nosniff\n");
    expect(headers).toContain("  Strict-Transport-Security: max-age=63072000; includeSubDomains\n");
    expect(headers).toMatch(/\n\/assets\/\*\n {2}Cache-Control: public, max-age=31536000, immutable\n/);
    // Inline, only the prerendered pages' scripts and CSS, each allowed by its exact hash and nothing
    // else: the shell's script on each page, and in its <head> the success page's sync and the
    // library's mark of a browser holding a session.
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const sources = (directive: string) => csp.match(new RegExp(`${directive} 'self'((?: '[^']+')*);`))?.[1]?.trim();
    const scriptsIn = (html: string) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
    const inline = ["index.html", "library.html", "billing/success.html"].map((file) => {
      const html = readFileSync(join(outDir, file), "utf8");
      expect(html.match(/<script>/g)).toHaveLength(file === "index.html" ? 1 : 2);
      expect(html.match(/<style>/g)).toHaveLength(1);
      expect(html).not.toMatch(/ style="/);
      return {
        scripts: scriptsIn(html).map(hash),
        style: hash(html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? ""),
      };
    });
    expect(sources("script-src")?.split(" ").sort()).toEqual([...new Set(inline.flatMap((i) => i.scripts))].sort());
    // The success page's sync goes to this build's API and Supabase (connect-src allows both).
    const [head] = scriptsIn(readFileSync(join(outDir, "billing/success.html"), "utf8").split("</head>")[0] ?? "");
    expect(head).toContain(`${productionValues.VITE_API_URL}`);
    expect(head).toContain(`${productionValues.VITE_SUPABASE_URL}`);
    expect(head).toContain("/api/billing/sync");
    expect(sources("style-src")?.split(" ").sort()).toEqual([...new Set(inline.map((i) => i.style))].sort());
  }, 120_000);

  it("builds the sandbox's values with --mode sandbox (local e2e and bench bundles)", async () => {
    const outDir = join(work, "sandbox");
    const res = await build("sandbox", sandboxValues, outDir);
    expect(res.status).toBe(0);
    const headers = readFileSync(join(outDir, "_headers"), "utf8");
    expect(headers).toContain("connect-src 'self' http://127.0.0.1:54321 ws://127.0.0.1:54321 http://127.0.0.1:8787;");
    // The success page's answer announces what its boot loads (route chunk, supabase-js, API client).
    const link = headers.match(/\n\/billing\/success\n {2}Link: (.+)\n/)?.[1] ?? "";
    expect(link).toMatch(/^<\/assets\/billing-success-[\w-]+\.js>; rel=modulepreload, /);
    expect(link).toMatch(/<\/assets\/gatehouse-api-[\w-]+\.js>; rel=modulepreload/);
    expect(link).toMatch(/<\/assets\/billing-success-[\w-]+\.css>; rel=preload; as=style; crossorigin/);

    // The pages that paint before their JS: each one's first render, English in #root, French as text.
    const page = (file: string) => {
      const html = readFileSync(join(outDir, file), "utf8");
      const root = html.match(
        /<div id="root" ([^>]*)>([\s\S]*?)<\/div><script type="text\/html" id="gh-shell-fr">([\s\S]*?)<\/script>/,
      );
      return { attributes: root?.[1] ?? "", en: root?.[2] ?? "", fr: root?.[3] ?? "" };
    };
    const landing = page("index.html");
    expect(landing.attributes).toBe('data-shell="/" data-shell-locale="en" data-shell-varies="checkout"');
    expect(landing.en).toContain(`<h1 id="hero-title" class="_title_`);
    expect(landing.en).toContain(`>${enFirst["hero.title"]}</h1>`);
    expect(landing.en).toContain(`>${enFirst["pricing.title"]}</h2>`);
    expect(landing.fr).toContain(`>${fr["hero.title"]}</h1>`);
    expect(landing.fr).toContain('<option value="fr" lang="fr" selected="">');
    const library = page("library.html");
    expect(library.attributes).toBe('data-shell="/library" data-shell-locale="en" data-shell-visitor');
    expect(library.en).toContain(`>${enPages["library.title"]}</h1>`);
    expect(library.fr).toContain(`>${fr["library.title"]}</h1>`);
    // In #root, a visitor's locked state; the render with a session as text, which the inline
    // script swaps in, and the head script that hides the visitor's render from such a browser.
    expect(library.en).toContain(`>${enPages["library.lockedBody"]}</p>`);
    expect(library.fr).toContain(`>${fr["library.lockedBody"]}</p>`);
    const libraryHtml = readFileSync(join(outDir, "library.html"), "utf8");
    const withSession = (locale: string) =>
      libraryHtml.match(
        new RegExp(`<script type="text/html" id="gh-shell-${locale}-session">([\\s\\S]*?)</script>`),
      )?.[1];
    expect(withSession("en")).toContain(`${enFirst["app.loading"]}</span>`);
    expect(withSession("en")).not.toContain('data-testid="locked-state"');
    expect(withSession("fr")).toContain(`>${fr["library.title"]}</h1>`);
    expect(libraryHtml.match(/<script>((?:(?!<\/script>)[\s\S])*)<\/script>\n<\/head>/)?.[1]).toContain("ghSession");
    const success = page("billing/success.html");
    expect(success.attributes).toBe(
      'data-shell="/billing/success" data-shell-locale="en" data-shell-requires="session_id"',
    );
    expect(success.en).toContain(`${enFirst["app.loading"]}</span>`);
    expect(success.fr).toContain(`${fr["app.loading"]}</span>`);
  }, 120_000);
});
