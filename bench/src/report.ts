// The results file and the markdown table printed at the end of a run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { MachineInfo } from "./machine.ts";
import type { ScenarioResult } from "./scenario.ts";

export interface BenchReport {
  timestamp: string;
  git: { revision: string; dirty: boolean };
  machine: MachineInfo & { loadAverageAtEnd: number[] };
  mode: "full" | "smoke";
  totalMs: number;
  ok: boolean;
  scenarios: Array<ScenarioResult & { timestamp: string; git: string; machine: MachineInfo }>;
}

/** Scenarios another suite merged into the same file (bench/chaos writes chaos_*): kept as they are. */
function othersIn(path: string, mine: ReadonlySet<string>): unknown[] {
  if (!existsSync(path)) return [];
  try {
    const old = JSON.parse(readFileSync(path, "utf8")) as { scenarios?: unknown };
    if (!Array.isArray(old.scenarios)) return [];
    return old.scenarios.filter((s: unknown) => {
      const name = typeof s === "object" && s !== null && "name" in s ? s.name : null;
      return typeof name === "string" && !mine.has(name);
    });
  } catch {
    return [];
  }
}

export function writeReport(path: string, report: BenchReport, mine: ReadonlySet<string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const merged = { ...report, scenarios: [...report.scenarios, ...othersIn(path, mine)] };
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
}

const cell = (v: unknown) => String(v ?? "—").replace(/\|/g, "\\|");

export function markdownTable(report: BenchReport): string {
  const lines = [
    `Gatehouse bench (${report.mode}) at ${report.timestamp}, ${report.git.revision.slice(0, 10)}${report.git.dirty ? " (dirty)" : ""}`,
    `${report.machine.cpuModel}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}`,
    "",
    "| scenario | figure | value | target | pass |",
    "|---|---|---|---|---|",
  ];
  for (const s of report.scenarios) {
    const targeted = new Map(s.targets.map((t) => [t.figure.split(" ")[0], t]));
    for (const [k, v] of Object.entries(s.figures)) {
      const t = targeted.get(k);
      lines.push(
        `| ${s.name} | ${k} | ${cell(v)} | ${t ? cell(t.target) : ""} | ${t ? (t.pass === null ? "n/a" : t.pass ? "yes" : "**no**") : ""} |`,
      );
    }
    lines.push(`| ${s.name} | correctness | ${s.ok ? "ok" : "**FAILED**"} | | |`);
  }
  const problems = report.scenarios.flatMap((s) => s.problems.map((p) => `- ${s.name}: ${p}`));
  if (problems.length > 0) lines.push("", "Problems:", ...problems);
  return lines.join("\n");
}
