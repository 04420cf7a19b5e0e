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

/** A part's result: its figures and notes, and how long it took since `started` (performance.now()). */
export const partResult = (part: string, started: number, notes: string[], figures: Figure[]): PartResult => ({
  part,
  durationMs: Math.round(performance.now() - started),
  notes,
  figures,
});

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

/** One part as a scenario object, in the shape the benchmark's results use (bench/src/scenario.ts). */
export function toScenario(p: PartResult, meta: Json): Json {
  const short = (name: string) => name.replace(/^chaos_/, "");
  const problems = p.figures
    .filter((f) => f.mustBeZero && f.value !== 0)
    .map((f) => `${f.name} = ${f.value} (must be 0)`);
  return {
    name: `chaos_${p.part.replace(/-/g, "_")}`,
    parameters: { smoke: meta.smoke === true },
    figures: Object.fromEntries(p.figures.map((f) => [short(f.name), f.value])),
    units: Object.fromEntries(p.figures.map((f) => [short(f.name), f.unit])),
    details: Object.fromEntries(p.figures.filter((f) => f.detail).map((f) => [short(f.name), f.detail])),
    targets: p.figures
      .filter((f) => f.mustBeZero)
      .map((f) => ({ figure: short(f.name), target: "= 0", pass: f.value === 0 })),
    ok: problems.length === 0,
    problems,
    notes: p.notes.slice(0, 30),
    durationMs: p.durationMs,
    timestamp: meta.ranAt,
  };
}

const isOurs = (x: unknown) => !!x && typeof x === "object" && String((x as Json).name ?? "").startsWith("chaos_");

/**
 * Puts one `chaos_<part>` object per part into the results file's `scenarios` list (the
 * benchmark's format), replacing earlier chaos_ objects and keeping every other one.
 * `onlyParts`: a partial run replaces just those parts.
 */
export function mergeResults(
  file: string,
  parts: readonly PartResult[],
  meta: Json,
  onlyParts?: readonly string[],
): void {
  const ours = parts.map((p) => toScenario(p, meta));
  let doc: Json = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) doc = parsed as Json;
    } catch {
      doc = {};
    }
  }
  const replaced = onlyParts ? new Set(onlyParts.map((n) => `chaos_${n.replace(/-/g, "_")}`)) : null;
  const keep = (x: unknown) => !isOurs(x) || (replaced !== null && !replaced.has(String((x as Json).name)));
  const scenarios = Array.isArray(doc.scenarios) ? doc.scenarios.filter(keep) : [];
  const chaos = {
    ...(typeof doc.chaos === "object" && doc.chaos !== null ? (doc.chaos as Json) : {}),
    ranAt: meta.ranAt,
    ...(onlyParts ? {} : { totalMs: meta.durationMs, mode: meta.smoke === true ? "smoke" : "full" }),
    rerun: "npm run chaos",
  };
  const out = { ...doc, chaos, scenarios: [...scenarios, ...ours] };
  delete (out as Json).results;
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
