// Which files a page loads right after the entry starts, to announce them in the page's own HTTP
// answer (`Link: <…>; rel=modulepreload` in _headers, for that path only): the browser fetches them
// with the HTML, in parallel with the entry script, instead of when the entry asks for them. The
// pricing page's answer and JS do not change; only the paths listed here get a Link header.

/** A chunk of the build as far as this needs it (Rollup/Rolldown's OutputChunk). */
export interface BuiltChunk {
  type: "chunk";
  fileName: string;
  isEntry: boolean;
  imports: readonly string[];
  moduleIds: readonly string[];
  viteMetadata?: { importedCss: ReadonlySet<string> } | undefined;
}

export interface BuiltAsset {
  type: "asset";
  fileName: string;
}

export type BuiltBundle = Record<string, BuiltChunk | BuiltAsset>;

/**
 * For each path, the modules its boot loads on demand, by the end of their id: a file of the app
 * (`src/app/routes/billing-success.tsx`) or a package (`@supabase/supabase-js`).
 */
export type RoutePreloadSpec = Record<string, readonly string[]>;

export interface RoutePreloads {
  /** JS chunks (modulepreload), in the order the spec names them, then their static imports. */
  scripts: string[];
  /** Their CSS (preload as style). */
  styles: string[];
}

function chunks(bundle: BuiltBundle): BuiltChunk[] {
  return Object.values(bundle).filter((c): c is BuiltChunk => c.type === "chunk");
}

/** The chunk holding `module` (its id ends with it, or names the package's folder). */
function chunkOf(all: BuiltChunk[], module: string): BuiltChunk | null {
  const normalized = module.replace(/^\/+/, "");
  const isPackage = !normalized.startsWith("src/");
  return (
    all.find((c) =>
      c.moduleIds.some((id) => {
        const clean = id.replace(/\\/g, "/").replace(/\?.*$/, "");
        return isPackage ? clean.includes(`/node_modules/${normalized}/`) : clean.endsWith(`/${normalized}`);
      }),
    ) ?? null
  );
}

/**
 * What each path should preload: the chunks holding its modules and their static imports, less
 * what the entry's own HTML already preloads. Throws when a module is in no chunk (renamed or
 * moved), so a stale list fails the build instead of preloading nothing.
 */
export function routePreloads(bundle: BuiltBundle, spec: RoutePreloadSpec): Record<string, RoutePreloads> {
  const all = chunks(bundle);
  const byFile = new Map(all.map((c) => [c.fileName, c]));
  const closure = (start: BuiltChunk, into: Set<string>) => {
    const visit = (c: BuiltChunk) => {
      if (into.has(c.fileName)) return;
      into.add(c.fileName);
      for (const i of c.imports) {
        const next = byFile.get(i);
        if (next) visit(next);
      }
    };
    visit(start);
  };
  const initial = new Set<string>();
  for (const entry of all.filter((c) => c.isEntry)) closure(entry, initial);

  const result: Record<string, RoutePreloads> = {};
  for (const [path, modules] of Object.entries(spec)) {
    const files = new Set<string>();
    for (const module of modules) {
      const chunk = chunkOf(all, module);
      if (!chunk) throw new Error(`route preloads: no chunk holds ${module} (listed for ${path})`);
      closure(chunk, files);
    }
    const scripts = [...files].filter((f) => !initial.has(f));
    const styles = new Set<string>();
    for (const f of scripts) for (const css of byFile.get(f)?.viteMetadata?.importedCss ?? []) styles.add(css);
    result[path] = { scripts, styles: [...styles] };
  }
  return result;
}

/**
 * The Link header announcing them (URLs from the site's root, as Vite writes them under /assets/).
 * The styles are preloaded in CORS mode (`crossorigin`) because Vite's loader asks for them so
 * (`link.crossOrigin = ""`): a preload in another mode is not reused and the file loads twice.
 */
export function linkHeader(preloads: RoutePreloads, base = "/"): string {
  return [
    ...preloads.scripts.map((f) => `<${base}${f}>; rel=modulepreload`),
    ...preloads.styles.map((f) => `<${base}${f}>; rel=preload; as=style; crossorigin`),
  ].join(", ");
}
