// The entry chunk carries only the English texts of dictionary-en.ts (enFirst); the rest
// (dictionary-en-pages.ts) loads with the lazy pages and dialogs. This follows main.tsx's static
// imports, as the bundler does, and proves that no code of the entry chunk names a key (or a key
// prefix built at run time, `pricing.unit.${…}`) of the pages part, and that every lazy component
// loads through withPageMessages, so no screen can show a raw key.
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

/** The app's files in the entry chunk: main.tsx and what it imports statically (not `import type`, not `import()`). */
function entryGraph(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    const code = readFileSync(file, "utf8");
    files.set(file, code);
    for (const m of code.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)";/gms)) {
      const target = resolveImport(file, m[1] as string);
      if (target) visit(target);
    }
  };
  visit(join(SRC, "main.tsx"));
  return files;
}

const pagesKeys = Object.keys(enPages);

describe("the English dictionary split", () => {
  const graph = entryGraph();

  it("follows the entry chunk's imports", () => {
    const names = [...graph.keys()].map((f) => f.slice(SRC.length + 1));
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

  it("loads every lazy component of the entry chunk with the pages' texts", () => {
    const bare: string[] = [];
    for (const [file, code] of graph) {
      for (const m of code.matchAll(/(withPageMessages\(\(\) => )?import\("([^"]+\.tsx)"\)/g)) {
        if (!m[1]) bare.push(`${file}: ${m[2]}`);
      }
    }
    expect(bare).toEqual([]);
  });
});
