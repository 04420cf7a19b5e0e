import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import react from "@vitejs/plugin-react";
import { build, type InlineConfig, type Plugin, type ResolvedConfig, type Rollup } from "vite";
import { type BuiltBundle, routePreloads } from "./route-preloads.ts";
import { type ShellPage, type ShellRenders, shellHtml, stylesheetsOf } from "./shell-html.ts";

const SCRIPT_ENTRY = "src/app/shell/shell-script.ts";
const RENDER_ENTRY = "src/app/shell/prerender.tsx";

function entryChunk(result: Awaited<ReturnType<typeof build>>): Rollup.OutputChunk {
  const output = (Array.isArray(result) ? result[0] : result) as Rollup.RollupOutput;
  const chunk = output.output.find((o): o is Rollup.OutputChunk => o.type === "chunk" && o.isEntry);
  if (!chunk) throw new Error("the build produced no entry chunk");
  return chunk;
}

/** The CSP source that allows an inline script or style element: its SHA-256, base64. */
export function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

const textOf = (asset: Rollup.OutputAsset) =>
  typeof asset.source === "string" ? asset.source : Buffer.from(asset.source).toString("utf8");

/**
 * Pages that paint before their JavaScript runs (issue 20). In the client build, the app's own first
 * render of each of `pages` (src/app/shell/prerender.tsx, built for Node and run here) in English and
 * French goes into that page's HTML file (`/library` → library.html, which the static-assets Worker
 * serves for that path), with its CSS inline (no stylesheet to wait for) and the inline script that
 * keeps the shell only when it is true for the visit (src/app/shell/shell-script.ts).
 * `inlineSources()`: the CSP hash sources of those inline scripts and styles.
 */
export function prerenderShells(pages: ShellPage[]): Plugin & {
  inlineSources(): { scripts: string[]; styles: string[] };
} {
  let config: ResolvedConfig;
  let script = "";
  /** The pages' head scripts (ShellPage.headScript), bundled: module → code. */
  const headScripts = new Map<string, string>();
  const styleHashes = new Set<string>();
  const inner = (extra: InlineConfig): InlineConfig => ({
    configFile: false,
    root: config.root,
    mode: config.mode,
    envDir: config.envDir,
    logLevel: "warn",
    resolve: { alias: config.resolve.alias },
    ...extra,
  });
  /** A module bundled for an inline <script> (IIFE, minified; the VITE_* values inlined as in the app). */
  const bundleInline = async (entry: string, name: string) => {
    const result = await build(
      inner({
        build: {
          write: false,
          minify: true,
          target: config.build.target,
          lib: { entry: join(config.root, entry), formats: ["iife"], name },
        },
      }),
    );
    return entryChunk(result).code.trim();
  };
  const render = async () => {
    // A folder of its own per build: builds run side by side (e2e starts a stack per worker, the
    // bench another), and a shared folder let one build empty another's. Under node_modules, so the
    // server build's bare imports (react, …) resolve from the app's dependencies.
    mkdirSync(join(config.root, "node_modules"), { recursive: true });
    const outDir = mkdtempSync(join(config.root, "node_modules/.gatehouse-prerender-"));
    const result = await build(
      inner({ plugins: [react()], build: { ssr: join(config.root, RENDER_ENTRY), outDir, emptyOutDir: true } }),
    );
    try {
      const module = (await import(pathToFileURL(join(outDir, entryChunk(result).fileName)).href)) as {
        renderShell(location: string, locale: "en" | "fr", savedSession?: boolean): Promise<string>;
      };
      const rendered: ShellRenders[] = [];
      for (const page of pages) {
        const location = page.location ?? page.path;
        const both = async (saved: boolean) => ({
          en: await module.renderShell(location, "en", saved),
          fr: await module.renderShell(location, "fr", saved),
        });
        rendered.push({ ...(await both(false)), session: page.visitor ? await both(true) : undefined });
      }
      return rendered;
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  };
  return {
    name: "gatehouse:prerender-shells",
    apply: "build",
    // After Vite's own generateBundle has written index.html into the bundle.
    enforce: "post",
    inlineSources: () => ({
      scripts: [script, ...headScripts.values()].filter(Boolean).map(hashSource),
      styles: [...styleHashes],
    }),
    configResolved(resolved) {
      config = resolved;
    },
    async buildStart() {
      if (config.build.ssr) return;
      script = await bundleInline(SCRIPT_ENTRY, "ghShell");
      for (const entry of new Set(pages.flatMap((page) => (page.headScript ? [page.headScript] : [])))) {
        headScripts.set(entry, await bundleInline(entry, "ghHead"));
      }
    },
    async generateBundle(_options, bundle) {
      if (config.build.ssr) return;
      const index = bundle["index.html"];
      if (index?.type !== "asset") throw new Error("prerender: the bundle has no index.html yet");
      const indexHtml = textOf(index);
      const css = (file: string) => {
        const asset = bundle[file];
        if (asset?.type !== "asset") throw new Error(`prerender: no CSS asset ${file} in the bundle`);
        return textOf(asset);
      };
      const entryStyles = stylesheetsOf(indexHtml, config.base);
      const rendered = await render();
      pages.forEach((page, i) => {
        const routeStyles = page.module
          ? (routePreloads(bundle as unknown as BuiltBundle, { [page.path]: [page.module] })[page.path]?.styles ?? [])
          : [];
        const style = [...new Set([...entryStyles, ...routeStyles])].map(css).join("\n");
        styleHashes.add(hashSource(style));
        const headScript = page.headScript ? headScripts.get(page.headScript) : undefined;
        const html = shellHtml(indexHtml, page, rendered[i] as ShellRenders, {
          script,
          style,
          ...(headScript ? { headScript } : {}),
        });
        if (page.file === "index.html") index.source = html;
        else this.emitFile({ type: "asset", fileName: page.file, source: html });
      });
    },
  };
}
