// The scheduled job: re-sync customers whose mirror may be stale (missed webhooks), in bounded batches.
import { callRpc } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { syncCustomer } from "./sync-customer.ts";

export interface ReconcileReport {
  checked: number;
  synced: number;
  failed: number;
}

export async function reconcile(
  s: Services,
  opts: { batch?: number; concurrency?: number; staleAfter?: string } = {},
): Promise<ReconcileReport> {
  const customers = await callRpc<string[]>(s.db, "customers_to_reconcile", {
    p_limit: opts.batch ?? 100,
    p_stale_after: opts.staleAfter ?? "1 day",
  });
  const queue = [...customers];
  const report: ReconcileReport = { checked: customers.length, synced: 0, failed: 0 };
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        await syncCustomer(s, id);
        report.synced++;
      } catch (e) {
        report.failed++;
        console.error(
          JSON.stringify({ job: "reconcile", customer: id, error: e instanceof Error ? e.message : String(e) }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  return report;
}
