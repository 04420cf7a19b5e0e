// The ceiling of the API's local server itself: GET /api/health (no I/O) through `wrangler dev`
// and workerd at the delivery concurrency. Whatever the webhook does, it cannot go faster.
// The rate swings with the machine's load (other processes take the same 2 cores), so the CPU each
// process spent per request and the load average are reported beside it: those say whether the
// API got more expensive or the machine was busier (bench/src/health-ceiling.ts compares checkouts).
import { loadavg } from "node:os";
import { cpuDelta, treeCpuMs } from "./process-cpu.ts";
import { percentile, pool, round } from "./stats.ts";

export interface ApiCeiling {
  perSecond: number | null;
  p50Ms: number | null;
  /** CPU ms per request by process group (workerd, the driver's node…), over the measured requests. */
  cpuMsPerRequest: Record<string, number | null>;
  /** 1-minute load average when the measurement ended. */
  load1: number | null;
}

export async function apiCeiling(apiUrl: string, requests: number, concurrency: number): Promise<ApiCeiling> {
  const get = async () => {
    const res = await fetch(`${apiUrl}/api/health`);
    await res.arrayBuffer();
  };
  // Warm-up: the isolate's first requests (module evaluation, first env parse) are not the steady state.
  await pool(Math.min(100, requests), concurrency, get);
  const latencies: number[] = [];
  const cpu0 = treeCpuMs();
  const t0 = performance.now();
  await pool(requests, concurrency, async () => {
    const s = performance.now();
    await get();
    latencies.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuDelta(cpu0, treeCpuMs());
  return {
    perSecond: round(requests / seconds),
    p50Ms: round(percentile(latencies, 50)),
    cpuMsPerRequest: Object.fromEntries(
      Object.entries(cpu)
        .filter(([, ms]) => ms > 0)
        .map(([g, ms]) => [g, round(ms / requests, 2)]),
    ),
    load1: round(loadavg()[0] ?? null, 2),
  };
}
