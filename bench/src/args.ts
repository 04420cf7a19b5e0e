// Command line: --scenario NAME (repeatable), --smoke, --out PATH, --customers N (storm size),
// --runs N (time_to_unlock runs per variant), --lighthouse (run Lighthouse even in smoke),
// --lighthouse-reports DIR (keep each page's Lighthouse report there, JSON), --unlock-traces DIR
// (a Chromium trace of each time_to_unlock run, from the Pay click to the content: where the main thread went).
import { parseArgs } from "node:util";

export const SCENARIOS = ["budgets", "time_to_unlock", "webhook_storm", "db_limit", "peer_sync_engine"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArgs {
  scenarios: ScenarioName[];
  smoke: boolean;
  out: string | null;
  /** Overrides the storm size. */
  customers: number | null;
  /** Overrides time_to_unlock's runs per variant. */
  runs: number | null;
  /** Runs Lighthouse even at smoke sizes. */
  lighthouse: boolean;
  /** Where to keep Lighthouse's JSON reports (else they are deleted with the run's temporary folder). */
  lighthouseReports: string | null;
  /** Where to write a Chromium trace (JSON) of each time_to_unlock run; tracing slows the page a little. */
  unlockTraces: string | null;
}

function isScenario(s: string): s is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(s);
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string", multiple: true },
      smoke: { type: "boolean", default: false },
      out: { type: "string" },
      customers: { type: "string" },
      runs: { type: "string" },
      lighthouse: { type: "boolean", default: false },
      "lighthouse-reports": { type: "string" },
      "unlock-traces": { type: "string" },
    },
    strict: true,
  });
  const asked = values.scenario ?? [];
  for (const s of asked) if (!isScenario(s)) throw new Error(`unknown scenario ${s} (known: ${SCENARIOS.join(", ")})`);
  return {
    scenarios: asked.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((s) => asked.includes(s)),
    smoke: values.smoke ?? false,
    out: values.out ?? null,
    customers: values.customers ? Number.parseInt(values.customers, 10) : null,
    runs: values.runs ? Number.parseInt(values.runs, 10) : null,
    lighthouse: values.lighthouse ?? false,
    lighthouseReports: values["lighthouse-reports"] ?? null,
    unlockTraces: values["unlock-traces"] ?? null,
  };
}
