// Part: the webhook queue under Stripe's rate limits (test mode: 25/s overall and per endpoint).
// A storm of payments while the database is down in the middle (20 s; 8 s in smoke runs), with
// poison messages mixed in (signed events about customers Stripe does not know). The webhook only
// records and queues, the consumer syncs paced and retries with backoff. At the end: no event
// lost (every delivery answered 2xx in the end, every event processed in the ledger), no user
// wrong, the poison acknowledged without binding anything. (A consumer dying mid-batch is covered
// in workerd by apps/api/test/sync-queue.test.ts, where the batch's acks can be observed.)
import {
  type ChaosContext,
  checkout,
  createUser,
  deliveriesIdle,
  eventPayload,
  pay,
  pool,
  postWebhook,
  sandboxControl,
  setFault,
  signatureFor,
  sleep,
  supabaseOutage,
  type TestUser,
  wrongUsers,
} from "./context.ts";
import { type Figure, figure, type PartResult, partResult } from "./figures.ts";

const LIMITS_ON = { perSecond: 25, perEndpointPerSecond: 25 };
const LIMITS_OFF = { perSecond: 0, perEndpointPerSecond: 0 };

interface Counts {
  settings: { perSecond: number; perEndpointPerSecond: number };
  admitted: Record<string, number>;
  rateLimited: number;
  lockTimeouts: number;
}

interface Attempt {
  event_id: string;
  ok: boolean;
  at: string;
}

async function unprocessed(ctx: ChaosContext, ids: readonly string[]): Promise<number> {
  const { rows } = await ctx.db.query<{ n: string }>(
    "select count(*) as n from public.stripe_events where id = any($1::text[]) and processed_at is null",
    [ids],
  );
  return Number(rows[0]?.n ?? 0);
}

function poisonEvent(): { id: string; payload: string } {
  const id = `evt_poison_${crypto.randomUUID().replace(/-/g, "")}`;
  const customer = `cus_poison_${crypto.randomUUID().replace(/-/g, "").slice(0, 14)}`;
  const payload = eventPayload(id, "customer.subscription.updated", {
    id: `sub_poison_${id.slice(-10)}`,
    object: "subscription",
    customer,
    status: "active",
  });
  return { id, payload };
}

/** Posts a signed event until the API takes it (2xx), as Stripe's retries would; false if it never did. */
async function deliverUntilTaken(ctx: ChaosContext, payload: string, deadlineMs: number): Promise<boolean> {
  while (Date.now() < deadlineMs) {
    const res = await postWebhook(ctx, payload, signatureFor(ctx, payload)).catch(() => null);
    if (res?.ok) return true;
    await sleep(1_000);
  }
  return false;
}

export async function runQueueFaults(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const notes: string[] = [];
  const n = ctx.smoke ? 12 : 200;
  const outageMs = ctx.smoke ? 8_000 : 20_000;
  const lead = ctx.smoke ? 3_000 : 8_000;
  const poisonCount = ctx.smoke ? 3 : 10;

  // Set-up (users, checkouts opened through the API) is not what is measured: limits off (and
  // put back as they were at the end).
  const found = ((await sandboxControl(ctx, "limits")) as Counts).settings;
  await sandboxControl(ctx, "limits", LIMITS_OFF);
  const prepared: Array<{ user: TestUser; sessionId: string }> = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const user = await createUser(ctx, "queue");
      const price = i % 2 ? ctx.stack.prices.yearly : ctx.stack.prices.monthly;
      prepared.push({ user, sessionId: await checkout(ctx, user, price) });
    },
  );
  await deliveriesIdle(ctx, 60_000);
  const before = ((await sandboxControl(ctx, "deliveries?summary=1")) as { summary: { failed: number } }).summary;
  await sandboxControl(ctx, "limits", { ...LIMITS_ON, resetStats: true });
  const since = Date.now();

  // The storm: every session paid, spread so the database goes down in the middle of it.
  const spreadMs = lead * 2 + outageMs;
  const outage = { from: 0, to: 0 };
  const fault = supabaseOutage(ctx, lead, outageMs, outage);
  const users: Array<{ userId: string; customer: string }> = [];
  const poison = Array.from({ length: poisonCount }, poisonEvent);
  const poisonTaken: Promise<boolean>[] = [];
  try {
    const gap = spreadMs / Math.max(1, prepared.length);
    const every = Math.max(1, Math.floor(prepared.length / poisonCount));
    const payments: Promise<void>[] = [];
    for (const [i, p] of prepared.entries()) {
      await sleep(gap);
      const bad = i % every === 0 ? poison[poisonTaken.length] : undefined;
      if (bad) poisonTaken.push(deliverUntilTaken(ctx, bad.payload, Date.now() + 120_000));
      payments.push(
        (async () => {
          const res = await pay(ctx, p.sessionId);
          if (!res.ok) throw new Error(`pay: ${res.status} ${await res.text()}`);
          const body = (await res.json()) as { session: { customer: string | null } };
          users.push({ userId: p.user.id, customer: body.session.customer ?? "" });
        })(),
      );
    }
    await Promise.all(payments);
    await fault;
  } finally {
    await setFault(ctx, "supabase", { down: false });
    if (!outage.to) outage.to = Date.now();
  }
  const poisonDelivered = (await Promise.all(poisonTaken)).filter(Boolean).length;
  await deliveriesIdle(ctx, 180_000);
  const lastDelivery = Date.now();

  // Every event the stand-in delivered since the storm began, and the poison: processed?
  const log = (await sandboxControl(ctx, "deliveries?limit=60000")) as { attempts: Attempt[] };
  const ids = [
    ...new Set(log.attempts.filter((a) => a.ok && Date.parse(a.at) >= since).map((a) => a.event_id)),
    ...poison.map((p) => p.id),
  ];
  const deadline = Date.now() + (ctx.smoke ? 120_000 : 300_000);
  let open = await unprocessed(ctx, ids);
  while (open > 0 && Date.now() < deadline) {
    await sleep(500);
    open = await unprocessed(ctx, ids);
  }
  const convergedAt = open === 0 ? Date.now() : null;
  const counts = (await sandboxControl(ctx, "limits")) as Counts;
  // Reading Stripe's state for every user is the check, not the load: limits off.
  await sandboxControl(ctx, "limits", LIMITS_OFF);
  const after = ((await sandboxControl(ctx, "deliveries?summary=1")) as { summary: { failed: number } }).summary;
  const failedForGood = after.failed - before.failed;
  const wrong = await wrongUsers(ctx, users);
  for (const w of wrong.slice(0, 10)) notes.push(`user ${w.userId} (${w.customer}) still wrong: ${w.diff}`);
  const { rows: bound } = await ctx.db.query<{ n: string }>(
    "select count(*) as n from public.customers where stripe_customer_id like 'cus_poison_%'",
  );
  const poisonOpen = await unprocessed(
    ctx,
    poison.map((p) => p.id),
  );
  await sandboxControl(ctx, "limits", { perSecond: found.perSecond, perEndpointPerSecond: found.perEndpointPerSecond });
  const requests = Object.values(counts.admitted).reduce((a, b) => a + b, 0) + counts.rateLimited;
  notes.push(
    `Stripe during the storm: ${requests} requests for ${ids.length} events, ${counts.rateLimited} rate-limited and ` +
      `${counts.lockTimeouts} lock_timeout 429s; by endpoint ${JSON.stringify(counts.admitted)}`,
  );
  const figures: Figure[] = [
    figure("queue_storm_customers", users.length, "customers"),
    figure("queue_db_down_duration", outage.to - outage.from, "ms"),
    figure("queue_events", ids.length, "events", { detail: "delivered since the storm began, poison included" }),
    figure("queue_events_lost", failedForGood + open, "events", {
      mustBeZero: true,
      detail: `${failedForGood} deliveries the stand-in gave up on, ${open} events never processed in the ledger`,
    }),
    figure("queue_users_wrong_at_end", wrong.length, "users", { mustBeZero: true }),
    figure("queue_time_to_converge", convergedAt === null ? -1 : convergedAt - lastDelivery, "ms", {
      detail: "from the last delivery until every event is processed (-1: never)",
    }),
    figure("queue_stripe_429", counts.rateLimited + counts.lockTimeouts, "responses", {
      detail: "429s Stripe's limits answered the API during the storm (recovered if nothing is lost)",
    }),
    figure("queue_poison_not_taken", poison.length - poisonDelivered, "events", { mustBeZero: true }),
    figure("queue_poison_unprocessed", poisonOpen, "events", { mustBeZero: true }),
    figure("queue_poison_bound", Number(bound[0]?.n ?? 0), "customers", { mustBeZero: true }),
  ];
  return partResult("queue-faults", started, notes, figures);
}
