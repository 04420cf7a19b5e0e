// budgets: initial JS of the pricing page (the Vite entry chunk and its static imports, from the
// build manifest) and of the whole SPA, the worker bundle (wrangler deploy --dry-run --minify),
// all gzip-compressed, and the landing's HTML (prerendered, CSS inline); and Lighthouse 13
// performance and accessibility of the landing, the success page and the library.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@gatehouse/chromium";
import { atLeast, atMost, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${output}`));
    });
  });
}

const gzipKiB = (path: string) => gzipSync(readFileSync(path)).length / 1024;
const kib = (v: number) => Math.round(v * 10) / 10;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && keep(f));
}

async function webBudgets(ctx: BenchContext, root: string, outDir: string) {
  const webDir = join(root, "apps/web");
  await exec(
    join(webDir, "node_modules/.bin/vite"),
    ["build", "--mode", "sandbox", "--outDir", outDir, "--emptyOutDir", "--manifest", "--logLevel", "warn"],
    webDir,
    {
      VITE_SUPABASE_URL: ctx.stack.urls.supabase,
      VITE_SUPABASE_PUBLISHABLE_KEY: ctx.stack.keys.publishable,
      VITE_API_URL: ctx.stack.urls.api,
    },
    180_000,
  );
  const manifest = JSON.parse(readFileSync(join(outDir, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry);
  if (!entry) throw new Error("the Vite manifest has no entry chunk");
  const initial = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const i of chunk.imports ?? []) visit(i);
  };
  visit(entry[0]);
  const jsKiB = (files: Iterable<string>) =>
    [...files].filter((f) => f.endsWith(".js")).reduce((s, f) => s + gzipKiB(join(outDir, f)), 0);
  const pricingJs = jsKiB(initial);
  // The landing's pricing (plans, checkout, TanStack Query) is a chunk of its own that the entry
  // starts loading as it runs; the prerendered pricing stays painted until it is here.
  const initialOnly = new Set(initial);
  const pricingKey = Object.keys(manifest).find((k) => k.endsWith("src/app/routes/landing-pricing.tsx"));
  if (!pricingKey) throw new Error("the Vite manifest has no chunk for the landing's pricing");
  visit(pricingKey);
  const pricingOnDemand = [...initial].filter((f) => !initialOnly.has(f));
  const allJs = filesUnder(outDir, (f) => f.endsWith(".js"));
  const spaJs = allJs.reduce((s, f) => s + gzipKiB(f), 0);
  // The landing's HTML: its prerendered first render in English and French and its CSS, inline.
  const landingHtml = gzipKiB(join(outDir, "index.html"));
  return {
    pricingJs,
    pricingChunks: initialOnly.size,
    pricingOnDemandJs: jsKiB(pricingOnDemand),
    pricingOnDemandChunks: pricingOnDemand.length,
    spaJs,
    spaChunks: allJs.length,
    landingHtml,
  };
}

async function workerBudget(root: string, outDir: string) {
  const apiDir = join(root, "apps/api");
  await exec(
    join(apiDir, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--outdir", outDir, "--minify"],
    apiDir,
    { WRANGLER_SEND_METRICS: "false", CI: "true" },
    180_000,
  );
  const files = filesUnder(outDir, (f) => /\.(m?js|wasm)$/.test(f));
  return {
    workerGzip: files.reduce((s, f) => s + gzipKiB(f), 0),
    workerRaw: files.reduce((s, f) => s + statSync(f).size / 1024, 0),
  };
}

/** The pages Lighthouse audits (a fresh profile: signed out), with the figure prefix of each. */
const LIGHTHOUSE_PAGES = [
  { prefix: "lighthouse", path: "/" },
  { prefix: "lighthouseSuccess", path: "/billing/success?session_id=cs_test_lighthouse" },
  { prefix: "lighthouseLibrary", path: "/library" },
] as const;

async function lighthouse(ctx: BenchContext, root: string, outDir: string, path: string) {
  const out = join(outDir, `lighthouse-${path.replace(/[^a-z]+/g, "-")}.json`);
  await exec(
    join(root, "bench/node_modules/.bin/lighthouse"),
    [
      `${ctx.stack.urls.web}${path}`,
      "--only-categories=performance,accessibility",
      "--output=json",
      `--output-path=${out}`,
      "--quiet",
      `--chrome-flags=--headless=new ${CHROMIUM_ARGS.join(" ")}`,
    ],
    root,
    { CHROME_PATH: CHROMIUM_PATH },
    180_000,
  );
  if (ctx.lighthouseReports) {
    mkdirSync(ctx.lighthouseReports, { recursive: true });
    copyFileSync(out, join(ctx.lighthouseReports, basename(out)));
  }
  const lhr = JSON.parse(readFileSync(out, "utf8")) as {
    categories: Record<string, { score: number | null }>;
    audits: Record<string, { numericValue?: number }>;
  };
  const score = (k: string) => {
    const s = lhr.categories[k]?.score;
    return typeof s === "number" ? Math.round(s * 100) : null;
  };
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    lcpMs: lhr.audits["largest-contentful-paint"]?.numericValue ?? null,
    tbtMs: lhr.audits["total-blocking-time"]?.numericValue ?? null,
  };
}

export async function budgets(ctx: BenchContext, root: string): Promise<ScenarioResult> {
  const started = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), "gatehouse-budgets-"));
  const problems: string[] = [];
  try {
    const web = await webBudgets(ctx, root, join(tmp, "web"));
    const worker = await workerBudget(root, join(tmp, "worker"));
    const targets = [
      atMost("pricingInitialJsGzipKiB", web.pricingJs, 100, " KiB"),
      atMost("workerGzipKiB", worker.workerGzip, 150, " KiB"),
    ];
    const lhFigures: Record<string, number | null> = {};
    for (const page of LIGHTHOUSE_PAGES) {
      if (!ctx.sizes.lighthouse) break;
      try {
        const lh = await lighthouse(ctx, root, tmp, page.path);
        const lcp = lh.lcpMs !== null ? Math.round(lh.lcpMs) : null;
        lhFigures[`${page.prefix}Performance`] = lh.performance;
        lhFigures[`${page.prefix}Accessibility`] = lh.accessibility;
        lhFigures[`${page.prefix}LcpMs`] = lcp;
        lhFigures[`${page.prefix}TbtMs`] = lh.tbtMs !== null ? Math.round(lh.tbtMs) : null;
        targets.push(
          atLeast(`${page.prefix}Performance`, lh.performance, 98),
          atMost(`${page.prefix}LcpMs`, lcp, 1500, " ms"),
          atLeast(`${page.prefix}Accessibility`, lh.accessibility, 100),
        );
      } catch (e) {
        problems.push(`lighthouse ${page.path}: ${e instanceof Error ? e.message.slice(0, 500) : String(e)}`);
      }
    }
    return {
      name: "budgets",
      parameters: {
        compression: "gzip (zlib default level 6)",
        pricingPage:
          "Vite entry chunk + its static imports; the landing's pricing section (src/app/routes/landing-pricing.tsx + its static imports), which the entry loads as it starts, is pricingOnDemand",
        landingHtml:
          "dist/index.html: the landing prerendered in English and French, its CSS inline (apps/web/build/prerender-plugin.ts)",
        lighthouse: ctx.sizes.lighthouse
          ? `13, default (mobile, simulated throttling), headless Debian Chromium, signed out: ${LIGHTHOUSE_PAGES.map((p) => p.path).join(", ")}`
          : "skipped (smoke)",
      },
      figures: {
        pricingInitialJsGzipKiB: kib(web.pricingJs),
        pricingInitialChunks: web.pricingChunks,
        pricingOnDemandJsGzipKiB: kib(web.pricingOnDemandJs),
        pricingOnDemandChunks: web.pricingOnDemandChunks,
        spaJsGzipKiB: kib(web.spaJs),
        spaJsFiles: web.spaChunks,
        landingHtmlGzipKiB: kib(web.landingHtml),
        workerGzipKiB: kib(worker.workerGzip),
        workerRawKiB: kib(worker.workerRaw),
        ...lhFigures,
      },
      targets,
      ok: problems.length === 0,
      problems,
      notes: [],
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
