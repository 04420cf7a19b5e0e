// The entry chunk carries only the English texts of dictionary-en.ts (enFirst); the rest
// (dictionary-en-pages.ts) loads with the lazy pages and dialogs. This follows main.tsx's static
// imports, as the bundler does, and the components the entry loads on demand without the pages'
// texts (the landing's pricing, in a chunk of its own with TanStack Query) with theirs, and proves
// that none of that code names a key (or a key prefix built at run time, `pricing.unit.${…}`) of
// the pages part, so no screen can show a raw key.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { enFirst } from "./dictionary-en.ts";
import { enPages } from "./dictionary-en-pages.ts";

const SRC = resolve(dirname(new URL(import.meta.url).pathname), "../..");

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = join(SRC, spec.slice(2));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null; // a package: no app texts
  return [base, `${base}.ts`, `${base}.tsx`].find((f) => /\.tsx?$/.test(f) && existsSync(f)) ?? null;
}

/**
 * The app's files that may render before the pages' texts are here: main.tsx, what it imports
 * statically (not `import type`), and the components loaded on demand without withPageMessages
 * (`lazy`), with what they import statically.
 */
function firstTextsGraph(): { files: Map<string, string>; lazy: string[] } {
  const files = new Map<string, string>();
  const lazy: string[] = [];
  const visit = (file: string) => {
    if (files.has(file)) return;
    const code = readFileSync(file, "utf8");
    files.set(file, code);
    for (const m of code.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)";/gms)) {
      const target = resolveImport(file, m[1] as string);
      if (target) visit(target);
    }
    for (const m of code.matchAll(/(withPageMessages\(\(\) => )?import\("([^"]+\.tsx)"\)/g)) {
      const target = m[1] ? null : resolveImport(file, m[2] as string);
      if (!target) continue;
      lazy.push(target.slice(SRC.length + 1));
      visit(target);
    }
  };
  visit(join(SRC, "main.tsx"));
  return { files, lazy: [...new Set(lazy)].sort() };
}

const pagesKeys = Object.keys(enPages);

describe("the English dictionary split", () => {
  const { files: graph, lazy } = firstTextsGraph();

  it("follows the entry chunk's imports and the landing's pricing", () => {
    const names = [...graph.keys()].map((f) => f.slice(SRC.length + 1));
    expect(names).toContain("app/routes/landing.tsx");
    expect(names).toContain("features/pricing/components/pricing-section.tsx");
    expect(names).toContain("app/layout/header.tsx");
    expect(names).toContain("features/i18n/dictionary-en.ts");
    expect(names).not.toContain("features/i18n/dictionary-en-pages.ts");
    expect(names).not.toContain("app/routes/account.tsx");
  });

  it("gives the entry chunk's code only keys of the first part", () => {
    const wrong: string[] = [];
    for (const [file, code] of graph) {
      if (file.endsWith("dictionary-en.ts")) continue;
      for (const m of code.matchAll(/"([a-zA-Z]+\.[a-zA-Z0-9_.]+)"/g)) {
        if (Object.hasOwn(enPages, m[1] as string)) wrong.push(`${file}: ${m[1]}`);
      }
      for (const m of code.matchAll(/`([a-zA-Z]+\.[a-zA-Z0-9_.]*)\$\{/g)) {
        const prefix = m[1] as string;
        if (pagesKeys.some((k) => k.startsWith(prefix))) wrong.push(`${file}: ${prefix}…`);
        expect(
          Object.keys(enFirst).some((k) => k.startsWith(prefix)),
          `${file}: ${prefix}…`,
        ).toBe(true);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("loads every other lazy component with the pages' texts", () => {
    // Only the landing's pricing (and the QueryClient's provider) may load without them: they
    // render on the landing, whose texts are all in the first part (checked above with them).
    expect(lazy).toEqual(["app/routes/landing-pricing.tsx", "lib/query-provider.tsx"]);
  });
});
