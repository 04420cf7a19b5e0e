// The workspace's one rule about packages: they use each other only as workspace packages, through
// the `exports` of their package.json, never by a relative path into another package's folder.
// This finds every module specifier in the repository's source (import/export … from, import(),
// require(), new URL(…, import.meta.url), vi.mock(), and every "./" or "../" path in a tool's
// config file such as vitest.config.ts) and reports:
//   - a relative path that resolves outside the package of the file that names it;
//   - an `@gatehouse/…` specifier for a subpath the package does not export, or for a package the
//     importer does not declare in its package.json.
// Run by package-boundaries.test.ts, in `npm test` and `npm run test:quick`.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";

export interface PackageInfo {
  /** Folder relative to the repository root, with "/" ("." for the root package). */
  dir: string;
  name: string;
  /** Keys of `exports` ("." and "./sub"), or ["."] with no exports map but a main entry. */
  exports: string[];
  /** Names in dependencies, devDependencies, peerDependencies and optionalDependencies. */
  declared: Set<string>;
}

export interface Crossing {
  /** File and line, relative to the repository root. */
  file: string;
  line: number;
  specifier: string;
  why: string;
}

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const CONFIG = /(?:^|\/)[^/]*\.config\.[cm]?[jt]s$/;

/** The specifiers of one source file, with their line numbers. */
export function specifiersOf(path: string, text: string): Array<{ specifier: string; line: number }> {
  const patterns = [
    // import x from "…", import type { x } from "…", export { x } from "…", export * from "…"
    /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
    // import "…" (side effects only)
    /\bimport\s*(["'])([^"'\n]+)\1/g,
    // import("…"), require("…"), vi.mock("…"), import.meta.resolve("…")
    /\b(?:import|require|vi\.mock|vi\.doMock|import\.meta\.resolve)\s*\(\s*(["'`])([^"'`\n]+)\1/g,
    // new URL("…", import.meta.url)
    /\bnew\s+URL\s*\(\s*(["'`])([^"'`\n]+)\1\s*,\s*import\.meta\.url/g,
  ];
  // A tool's config (vitest, vite, playwright) names files by path: every relative path counts.
  if (CONFIG.test(path)) patterns.push(/(["'`])(\.\.?\/[^"'`\n]*)\1/g);
  const found = new Map<number, { specifier: string; line: number }>();
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const specifier = m[2] ?? "";
      const at = (m.index ?? 0) + m[0].lastIndexOf(specifier);
      if (!found.has(at)) found.set(at, { specifier, line: text.slice(0, at).split("\n").length });
    }
  }
  return [...found.values()];
}

/** The deepest package folder that holds `path` (both relative to the root, "/"-separated). */
export function packageOf(path: string, packages: readonly PackageInfo[]): PackageInfo | undefined {
  let best: PackageInfo | undefined;
  for (const p of packages) {
    const inside = p.dir === "." || path === p.dir || path.startsWith(`${p.dir}/`);
    if (inside && (!best || best.dir === "." || p.dir.length > best.dir.length)) best = p;
  }
  return best;
}

const toPosix = (p: string) => p.split(sep).join("/");

/** Every crossing in `files` (paths relative to the root), read through `read`. */
export function findCrossings(
  files: readonly string[],
  packages: readonly PackageInfo[],
  read: (file: string) => string,
): Crossing[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out: Crossing[] = [];
  for (const file of files) {
    if (!SOURCE.test(file)) continue;
    const own = packageOf(file, packages);
    if (!own) continue;
    for (const { specifier, line } of specifiersOf(file, read(file))) {
      const at = { file, line, specifier };
      if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
        const target = toPosix(normalize(join(dirname(file), specifier)));
        if (target === ".." || target.startsWith("../")) {
          out.push({ ...at, why: "points outside the repository" });
          continue;
        }
        const theirs = packageOf(target, packages);
        if (theirs && theirs.dir !== own.dir) {
          out.push({
            ...at,
            why: `reaches from ${own.name} (${own.dir}) into ${theirs.name} (${theirs.dir}): import it as ${theirs.name}, from what its package.json exports`,
          });
        }
      } else if (isAbsolute(specifier)) {
        out.push({ ...at, why: "an absolute path: import a workspace package instead" });
      } else if (specifier.startsWith("@gatehouse/")) {
        const [scope, name, ...rest] = specifier.split("/");
        const pkgName = `${scope}/${name}`;
        const sub = rest.length ? `./${rest.join("/")}` : ".";
        const pkg = byName.get(pkgName);
        if (!pkg) {
          out.push({ ...at, why: `no workspace package is named ${pkgName}` });
        } else if (!pkg.exports.includes(sub)) {
          out.push({
            ...at,
            why: `${pkgName} does not export "${sub}" (it exports ${pkg.exports.map((e) => `"${e}"`).join(", ") || "nothing"}): add it to its package.json exports, or use what it exports`,
          });
        } else if (pkg.name !== own.name && !own.declared.has(pkgName)) {
          out.push({ ...at, why: `${own.name} (${own.dir}) uses ${pkgName} without declaring it in its package.json` });
        }
      }
    }
  }
  return out;
}

/** The workspace's packages, read from every package.json git knows of (tracked or new). */
export function readPackages(root: string, manifests: readonly string[]): PackageInfo[] {
  return manifests.map((m) => {
    const json = JSON.parse(readFileSync(join(root, m), "utf8")) as {
      name?: string;
      exports?: string | Record<string, unknown>;
      main?: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const dir = toPosix(dirname(m));
    const exports =
      typeof json.exports === "string"
        ? ["."]
        : json.exports
          ? Object.keys(json.exports).filter((k) => k.startsWith("."))
          : json.main
            ? ["."]
            : [];
    const declared = new Set(
      [json.dependencies, json.devDependencies, json.peerDependencies, json.optionalDependencies].flatMap((d) =>
        Object.keys(d ?? {}),
      ),
    );
    return { dir, name: json.name ?? dir, exports, declared };
  });
}

/** The repository's source files and packages (git's view: tracked and new, not ignored). */
export function repositoryCrossings(root: string): Crossing[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((f) => f && !f.split("/").includes("node_modules") && existsSync(join(root, f)));
  const manifests = listed.filter((f) => f === "package.json" || f.endsWith("/package.json"));
  const packages = readPackages(root, manifests);
  return findCrossings(listed, packages, (f) => readFileSync(join(root, f), "utf8"));
}

export function describeCrossings(crossings: readonly Crossing[], root = "."): string {
  return crossings
    .map((c) => `  ${toPosix(relative(root, c.file)) || c.file}:${c.line}  "${c.specifier}"  ${c.why}`)
    .join("\n");
}
