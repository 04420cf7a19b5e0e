// The queue consumer: one batch of SYNC_QUEUE messages. Every customer in the batch is synced once,
// whatever the number of its events, and all those events are marked processed in the sync's own
// transaction, with its earlier events; messages whose events a sync already covered are
// acknowledged without a Stripe call; catalog objects are synced once each. A customer's purchases
// are re-read only when the batch holds a payment event of theirs or they have purchases on record
// (readsPurchases in @gatehouse/billing). Stripe calls go through the background budget
// (the caller passes backgroundServices). What fails is retried later with backoff
// (message.retry); after the consumer's max_retries Cloudflare moves it to the dead-letter queue,
// and the ledger keeps the event unprocessed with its last error for events:replay and the cron.
import { callRpc } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { syncPrice, syncProduct } from "./sync-catalog.ts";
import { syncCustomer } from "./sync-customer.ts";
import { parseSyncMessage, type SyncMessage } from "./sync-queue.ts";

export interface ConsumeReport {
  messages: number;
  /** Distinct customers synced (or found not to be Gatehouse's). */
  customers: number;
  /** Distinct catalog objects synced. */
  catalog: number;
  /** Messages acknowledged. */
  acked: number;
  /** Of those, messages whose events an earlier sync had already covered: no Stripe call. */
  covered: number;
  /** Messages handed back for a later try. */
  retried: number;
  /** Messages that were not sync messages: acknowledged and dropped. */
  dropped: number;
}

/** Seconds before the next try of a message already tried `attempts` times: 5, 10, 20, … 300. */
export function retryDelaySeconds(attempts: number): number {
  const n = Math.max(1, Math.floor(attempts));
  return Math.min(300, 5 * 2 ** Math.min(n - 1, 10));
}

interface Unit {
  what: string;
  /** The customer a customer unit syncs. */
  customerId: string | null;
  messages: Message<unknown>[];
  eventIds: string[];
  /** owners: the batch's customers the database holds purchases of (null: unknown). */
  run(owners: ReadonlySet<string> | null): Promise<void>;
}

/**
 * Of these customers, the ones the database holds purchases of; null when it cannot say (each
 * sync then re-reads the purchases, to be safe).
 */
async function customersWithPurchases(s: Services, customers: readonly string[]): Promise<Set<string> | null> {
  if (customers.length === 0) return new Set();
  try {
    const { data, error } = await s.db
      .from("purchases")
      .select("stripe_customer_id")
      .in("stripe_customer_id", [...customers]);
    if (error || !Array.isArray(data)) return null;
    return new Set(data.map((r: { stripe_customer_id: string }) => r.stripe_customer_id));
  } catch {
    return null;
  }
}

function plan(s: Services, batch: MessageBatch<unknown>): { units: Unit[]; dropped: Message<unknown>[] } {
  const groups = new Map<string, { messages: Message<unknown>[]; bodies: SyncMessage[] }>();
  const dropped: Message<unknown>[] = [];
  for (const m of batch.messages) {
    const body = parseSyncMessage(m.body);
    if (!body) {
      dropped.push(m);
      continue;
    }
    const key =
      body.kind === "customer"
        ? `customer:${body.customerId}`
        : body.kind === "product"
          ? `product:${body.product.id}`
          : `price:${body.price.id}`;
    const g = groups.get(key) ?? { messages: [], bodies: [] };
    g.messages.push(m);
    g.bodies.push(body);
    groups.set(key, g);
  }
  const units: Unit[] = [];
  for (const [what, { messages, bodies }] of groups) {
    const eventIds = [...new Set(bodies.map((b) => b.eventId))];
    const last = bodies[bodies.length - 1];
    if (!last) continue;
    // Any of the customer's events in the batch may concern a purchase: the sync re-reads them.
    const paymentEvent = bodies.some((b) => b.kind === "customer" && b.payment);
    const run = async (owners: ReadonlySet<string> | null) => {
      if (last.kind === "customer") {
        const hasPurchases = owners === null || owners.has(last.customerId);
        const why = { cause: "webhook" } as const;
        // null: not a Gatehouse customer. Nothing to sync, the events are done.
        if ((await syncCustomer(s, last.customerId, eventIds, why, { hasPurchases, paymentEvent })) !== null) return;
      } else if (last.kind === "product") {
        await syncProduct(s, last.product);
      } else {
        await syncPrice(s, last.price);
      }
      await callRpc(s.db, "finish_stripe_events", { p_ids: eventIds });
    };
    units.push({ what, customerId: last.kind === "customer" ? last.customerId : null, messages, eventIds, run });
  }
  return { units, dropped };
}

export async function consumeSyncBatch(
  s: Services,
  batch: MessageBatch<unknown>,
  opts: { concurrency?: number } = {},
): Promise<ConsumeReport> {
  const { units, dropped } = plan(s, batch);
  const report: ConsumeReport = {
    messages: batch.messages.length,
    customers: units.filter((u) => u.what.startsWith("customer:")).length,
    catalog: units.filter((u) => !u.what.startsWith("customer:")).length,
    acked: 0,
    covered: 0,
    retried: 0,
    dropped: dropped.length,
  };
  for (const m of dropped) {
    console.error(JSON.stringify({ job: "sync-queue", dropped: m.id, reason: "not a sync message" }));
    m.ack();
  }
  // Read beside the next query, for every customer of the batch.
  const ownersRead = customersWithPurchases(
    s,
    units.flatMap((u) => (u.customerId ? [u.customerId] : [])),
  );
  // Events a sync since their message was sent already answered (sync_customer_events covers
  // every earlier event of its customer): acknowledged without asking Stripe again.
  const pending = await callRpc(s.db, "events_not_processed", {
    p_ids: units.flatMap((u) => u.eventIds),
  }).catch(() => null);
  const open = pending ? new Set(pending) : null;
  const queue = units.filter((u) => {
    if (!open || u.eventIds.some((id) => open.has(id))) return true;
    for (const m of u.messages) m.ack();
    report.acked += u.messages.length;
    report.covered += u.messages.length;
    return false;
  });
  const owners = await ownersRead;
  const worker = async () => {
    for (let unit = queue.shift(); unit; unit = queue.shift()) {
      try {
        await unit.run(owners);
        for (const m of unit.messages) m.ack();
        report.acked += unit.messages.length;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const attempts = Math.max(...unit.messages.map((m) => m.attempts));
        console.error(JSON.stringify({ job: "sync-queue", unit: unit.what, attempts, error }));
        // Best effort: the database may be what is down.
        await callRpc(s.db, "finish_stripe_events", { p_ids: unit.eventIds, p_error: error.slice(0, 500) }).catch(
          () => undefined,
        );
        for (const m of unit.messages) m.retry({ delaySeconds: retryDelaySeconds(attempts) });
        report.retried += unit.messages.length;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, units.length) }, worker));
  return report;
}
