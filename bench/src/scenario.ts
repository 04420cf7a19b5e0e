// What every scenario returns: its parameters, its figures with their targets, and whether its
// correctness checks passed. `run.ts` collects them into bench/results/latest.json.

export type Figure = number | string | boolean | null;

export interface Target {
  figure: string;
  /** Human form, e.g. "≥ 1000". */
  target: string;
  pass: boolean | null;
}

export interface ScenarioResult {
  name: string;
  parameters: Record<string, Figure>;
  figures: Record<string, Figure>;
  targets: Target[];
  /** Correctness: false fails the run. Missed performance targets do not. */
  ok: boolean;
  problems: string[];
  notes: string[];
  durationMs: number;
}

export function atLeast(figure: string, value: number | null, min: number, unit = ""): Target {
  return { figure, target: `≥ ${min}${unit}`, pass: value === null ? null : value >= min };
}

export function atMost(figure: string, value: number | null, max: number, unit = ""): Target {
  return { figure, target: `≤ ${max}${unit}`, pass: value === null ? null : value <= max };
}
