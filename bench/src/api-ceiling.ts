// The ceiling of the API's local server itself: GET /api/health (no I/O) through `wrangler dev`
// and workerd at the delivery concurrency. Whatever the webhook does, it cannot go faster.
import { percentile, pool, round } from "./stats.ts";

export async function apiCeiling(
  apiUrl: string,
  requests: number,
  concurrency: number,
): Promise<{ perSecond: number | null; p50Ms: number | null }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(requests, concurrency, async () => {
    const s = performance.now();
    const res = await fetch(`${apiUrl}/api/health`);
    await res.arrayBuffer();
    latencies.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: round(requests / seconds), p50Ms: round(percentile(latencies, 50)) };
}
