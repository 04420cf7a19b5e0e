// CPU time of this process and every process it started (wrangler, workerd, Postgres…), grouped by
// program, from /proc (Linux). On a shared, loaded machine wall-clock latencies swing with the
// neighbours; the CPU each component spends per request does not, and says which one limits.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces: split after the last ')'.
    const close = raw.lastIndexOf(")");
    const comm = raw.slice(raw.indexOf("(") + 1, close);
    const rest = raw.slice(close + 2).split(" ");
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    const ppid = Number(rest[1]);
    const ticks = Number(rest[11]) + Number(rest[12]);
    return { pid, ppid, comm, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by this process tree, by group (this process is "driver+stand-ins"). */
export function treeCpuMs(root = process.pid): Record<string, number> {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.set(s.pid, s);
  }
  const children = new Map<number, number[]>();
  for (const s of all.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out: Record<string, number> = {};
  const visit = (pid: number) => {
    const s = all.get(pid);
    if (!s) return;
    const group = pid === root ? "node (driver + stand-ins)" : s.comm.startsWith("postgres") ? "postgres" : s.comm;
    out[group] = (out[group] ?? 0) + s.cpuMs;
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return out;
}

/** The CPU each group spent between two readings. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
  return out;
}
