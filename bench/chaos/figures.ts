// Figures of the chaos suite, merged into bench/results/latest.json next to the benchmark's own
// objects: every object whose name starts with `chaos_` is ours and replaced on each run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** A "must be 0" figure: the suite fails when it is not. */
  mustBeZero?: boolean;
  detail?: string;
}

export interface PartResult {
  part: string;
  figures: Figure[];
  /** Human-readable notes: what failed and why, for the report. */
  notes: string[];
  durationMs: number;
}

export const figure = (name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({
  name: `chaos_${name}`,
  value,
  unit,
  ...extra,
});

export function failures(parts: readonly PartResult[]): Figure[] {
  return parts.flatMap((p) => p.figures.filter((f) => f.mustBeZero && f.value !== 0));
}

type Json = Record<string, unknown>;

/**
 * Replaces our objects in the results file (an array, or an object holding a `results` array).
 * `onlyParts`: a partial run replaces just those parts' objects and keeps the other chaos_ ones.
 */
export function mergeResults(
  file: string,
  parts: readonly PartResult[],
  meta: Json,
  onlyParts?: readonly string[],
): void {
  const ours: Json[] = parts.flatMap((p) =>
    p.figures.map((f) => ({ ...f, part: p.part, smoke: meta.smoke === true, ranAt: meta.ranAt })),
  );
  if (!onlyParts)
    ours.push({ name: "chaos_suite_duration", value: meta.durationMs, unit: "ms", part: "suite", ranAt: meta.ranAt });
  let doc: unknown = null;
  if (existsSync(file)) {
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      doc = null;
    }
  }
  const notOurs = (x: unknown) => {
    if (!(x && typeof x === "object" && String((x as Json).name ?? "").startsWith("chaos_"))) return true;
    return onlyParts ? !onlyParts.includes(String((x as Json).part)) : false;
  };
  let out: unknown;
  if (Array.isArray(doc)) out = [...doc.filter(notOurs), ...ours];
  else if (doc && typeof doc === "object") {
    const obj = doc as Json;
    const key = Array.isArray(obj.results) ? "results" : Array.isArray(obj.benchmarks) ? "benchmarks" : "results";
    const list = Array.isArray(obj[key]) ? (obj[key] as unknown[]) : [];
    out = { ...obj, [key]: [...list.filter(notOurs), ...ours] };
  } else out = { results: ours };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}

export function markdownTable(parts: readonly PartResult[]): string {
  const lines = ["| part | figure | value | must be 0 |", "|---|---|---:|:---:|"];
  for (const p of parts) {
    for (const f of p.figures) {
      const verdict = f.mustBeZero ? (f.value === 0 ? "✅" : "❌") : "";
      lines.push(`| ${p.part} | ${f.name} | ${f.value} ${f.unit} | ${verdict} |`);
    }
  }
  return lines.join("\n");
}
