// Part 3: outages in the middle of a webhook storm.
//  (a) the Supabase fault proxy is down for 10–30 s while a few hundred customers pay and change
//      plans; the stand-in delivers to the API, which must answer 5xx for what it could not do,
//      and the stand-in's retries must bring every user right after recovery;
//  (b) the Stripe fault proxy fails 20% of the API's calls during a storm: same figures, and the
//      ledger (stripe_events) must count every attempt that reached the API;
//  (c) deliveries dropped for good for some customers, then the cron (wrangler --test-scheduled)
//      must bring them right.
import type { PgRow } from "@gatehouse/types";
import {
  type ChaosContext,
  checkout,
  createUser,
  deliveriesIdle,
  pay,
  pool,
  rng,
  sandboxControl,
  setFault,
  sleep,
  subscribe,
  supabaseOutage,
  type TestUser,
  wrongUsers,
} from "./context.ts";
import { type Figure, figure, type PartResult, partResult } from "./figures.ts";

interface Attempt {
  event_id: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  at: string;
}

interface Summary {
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
}

async function deliveryLog(ctx: ChaosContext): Promise<{ summary: Summary; attempts: Attempt[] }> {
  return (await sandboxControl(ctx, "deliveries?limit=60000")) as { summary: Summary; attempts: Attempt[] };
}

interface Prepared {
  user: TestUser;
  sessionId: string;
}

async function prepare(ctx: ChaosContext, n: number, label: string): Promise<Prepared[]> {
  const out: Prepared[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const user = await createUser(ctx, label);
      const price = i % 2 ? ctx.stack.prices.yearly : ctx.stack.prices.monthly;
      out.push({ user, sessionId: await checkout(ctx, user, price) });
    },
  );
  return out;
}

/** Pays every prepared session, spread over `spreadMs`, with some follow-up changes; returns the users. */
async function storm(ctx: ChaosContext, prepared: Prepared[], spreadMs: number, seed: number) {
  const r = rng(seed);
  const users: Array<{ userId: string; customer: string }> = [];
  const gap = spreadMs / Math.max(1, prepared.length);
  const t0 = Date.now();
  const tasks: Promise<void>[] = [];
  for (const [i, p] of prepared.entries()) {
    const wait = t0 + i * gap - Date.now();
    if (wait > 0) await sleep(wait);
    const roll = r();
    tasks.push(
      (async () => {
        const res = await pay(ctx, p.sessionId);
        if (!res.ok) throw new Error(`pay: ${res.status} ${await res.text()}`);
        const body = (await res.json()) as { session: { customer: string | null; subscription: string | null } };
        const customer = body.session.customer ?? "";
        users.push({ userId: p.user.id, customer });
        const sub = body.session.subscription;
        if (!sub) return;
        await sleep(200 + Math.floor(roll * 800));
        if (roll < 0.25) await ctx.stripe.subscriptions.update(sub, { cancel_at_period_end: true });
        else if (roll < 0.35) await ctx.stripe.subscriptions.cancel(sub);
      })(),
    );
  }
  await Promise.all(tasks);
  return users;
}

/** Polls until every user is right or the timeout; returns when it happened (ms epoch) or null. */
async function converge(ctx: ChaosContext, users: Array<{ userId: string; customer: string }>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let wrong = await wrongUsers(ctx, users);
  while (wrong.length && Date.now() < deadline) {
    await sleep(1_000);
    wrong = await wrongUsers(ctx, users);
  }
  return { at: wrong.length ? null : Date.now(), wrong };
}

type LedgerRow = Pick<PgRow<"stripe_events", "processed_at">, "id" | "attempts" | "processed_at" | "last_error">;

/** Figures from the stand-in's delivery log and the ledger for the events attempted since `since`. */
async function ledgerFigures(ctx: ChaosContext, since: number, window: { from: number; to: number }) {
  const { attempts } = await deliveryLog(ctx);
  const recent = attempts.filter((a) => Date.parse(a.at) >= since);
  const failedIds = new Set(recent.filter((a) => !a.ok).map((a) => a.event_id));
  const inFlight = new Set(
    recent
      .filter((a) => !a.ok && Date.parse(a.at) >= window.from && Date.parse(a.at) <= window.to)
      .map((a) => a.event_id),
  );
  const reached = new Map<string, number>(); // attempts that got an HTTP answer from the API
  for (const a of recent) if (a.status !== null) reached.set(a.event_id, (reached.get(a.event_id) ?? 0) + 1);
  const { rows } = await ctx.db.query<LedgerRow>(
    "select id, attempts, processed_at, last_error from public.stripe_events where id = any($1)",
    [[...failedIds]],
  );
  const ledger = new Map(rows.map((r) => [r.id, r]));
  let unprocessed = 0;
  let showsFailure = 0;
  let attemptsMissing = 0;
  for (const id of failedIds) {
    const row = ledger.get(id);
    if (!row?.processed_at) unprocessed++;
    if (row && row.attempts > 1) showsFailure++;
    // Every answer the API gave (2xx or 5xx) passed through record_stripe_event only if the
    // database was up: for the Stripe outage, the ledger must count each of them.
    const answered = reached.get(id) ?? 0;
    if ((row?.attempts ?? 0) < answered) attemptsMissing += answered - (row?.attempts ?? 0);
  }
  return { failedIds, inFlight, unprocessed, showsFailure, attemptsMissing };
}

async function outageRound(
  ctx: ChaosContext,
  kind: "supabase_down" | "stripe_fail20",
  n: number,
  outageMs: number,
): Promise<{ figures: Figure[]; notes: string[] }> {
  const notes: string[] = [];
  const prepared = await prepare(ctx, n, kind);
  const before = (await deliveryLog(ctx)).summary;
  const since = Date.now();
  const lead = ctx.smoke ? 3_000 : 8_000;
  const spreadMs = kind === "supabase_down" ? lead * 2 + outageMs : Math.max(10_000, n * 50);
  const window = { from: 0, to: 0 };
  const faults = (async () => {
    if (kind === "supabase_down") {
      await supabaseOutage(ctx, lead, outageMs, window);
    } else {
      window.from = Date.now();
      await setFault(ctx, "stripe", { failRate: 0.2 });
    }
  })();
  let users: Array<{ userId: string; customer: string }> = [];
  try {
    users = await storm(ctx, prepared, spreadMs, kind === "supabase_down" ? 11 : 22);
    await faults;
    if (kind === "stripe_fail20") {
      // Keep failing while the stand-in works through its queue, then recover.
      await deliveriesIdle(ctx, 60_000);
      await setFault(ctx, "stripe", { failRate: 0 });
      window.to = Date.now();
    }
  } finally {
    await setFault(ctx, "supabase", { down: false });
    await setFault(ctx, "stripe", { failRate: 0 });
    if (!window.to) window.to = Date.now();
  }
  const recoveredAt = window.to;
  const result = await converge(ctx, users, 150_000);
  await deliveriesIdle(ctx, 120_000);
  const after = (await deliveryLog(ctx)).summary;
  const ledger = await ledgerFigures(ctx, since, window);
  const failedForGood = after.failed - before.failed;
  for (const w of result.wrong.slice(0, 10))
    notes.push(`${kind}: user ${w.userId} (${w.customer}) still wrong: ${w.diff}`);
  const figures: Figure[] = [
    figure(`outage_${kind}_customers`, users.length, "customers"),
    figure(`outage_${kind}_duration`, window.to - window.from, "ms"),
    figure(`outage_${kind}_events_in_flight`, ledger.inFlight.size, "events", {
      detail: "events with a failed delivery during the fault",
    }),
    figure(`outage_${kind}_events_lost`, failedForGood + ledger.unprocessed, "events", {
      mustBeZero: true,
      detail: `${failedForGood} given up by the stand-in, ${ledger.unprocessed} never processed in the ledger`,
    }),
    figure(`outage_${kind}_users_wrong_at_end`, result.wrong.length, "users", { mustBeZero: true }),
    figure(`outage_${kind}_time_to_converge`, result.at === null ? -1 : Math.max(0, result.at - recoveredAt), "ms", {
      detail: "from recovery until every user's entitlement equals Stripe's state (-1: never)",
    }),
    figure(`outage_${kind}_ledger_events_showing_retries`, ledger.showsFailure, "events", {
      detail: `of ${ledger.failedIds.size} events with a failed delivery, rows with attempts > 1`,
    }),
  ];
  if (kind === "stripe_fail20") {
    figures.push(
      figure(`outage_${kind}_ledger_attempts_missing`, ledger.attemptsMissing, "attempts", {
        mustBeZero: true,
        detail: "answers the API gave that stripe_events.attempts does not count",
      }),
    );
  } else {
    figures.push(
      figure(`outage_${kind}_ledger_attempts_missing`, ledger.attemptsMissing, "attempts", {
        detail:
          "answered while the database was down: the ledger cannot record those (the stand-in's delivery log does)",
      }),
    );
  }
  return { figures, notes };
}

async function reconcileRound(ctx: ChaosContext): Promise<{ figures: Figure[]; notes: string[] }> {
  const notes: string[] = [];
  const k = ctx.smoke ? 4 : 25;
  // Earlier, healthy customers whose cancellation will be missed.
  const healthy: Array<{ userId: string; customer: string; subscription: string }> = [];
  await pool(
    Array.from({ length: k }, (_, i) => i),
    6,
    async () => {
      const s = await subscribe(ctx, ctx.stack.prices.monthly, "reconcile-old");
      healthy.push({ userId: s.user.id, customer: s.customer, subscription: s.subscription });
    },
  );
  await deliveriesIdle(ctx, 60_000);
  await sandboxControl(ctx, "chaos", { dropRate: 1 });
  const fresh: Array<{ userId: string; customer: string }> = [];
  try {
    await pool(
      Array.from({ length: k }, (_, i) => i),
      6,
      async () => {
        const s = await subscribe(ctx, ctx.stack.prices.yearly, "reconcile-new");
        fresh.push({ userId: s.user.id, customer: s.customer });
      },
    );
    for (const h of healthy) await ctx.stripe.subscriptions.cancel(h.subscription);
    await deliveriesIdle(ctx, 30_000);
  } finally {
    await sandboxControl(ctx, "chaos", { dropRate: 0 });
  }
  const wrongNewBefore = (await wrongUsers(ctx, fresh)).length;
  const wrongCanceledBefore = (await wrongUsers(ctx, healthy)).length;
  let runs = 0;
  let wrongNew = wrongNewBefore;
  let cronErrors = 0;
  const t0 = Date.now();
  while (wrongNew > 0 && runs < 10) {
    runs++;
    const res = await fetch(`${ctx.stack.urls.api}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    if (!res.ok) {
      cronErrors++;
      notes.push(`/__scheduled answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    } else await res.arrayBuffer();
    for (let i = 0; i < 10 && wrongNew > 0; i++) {
      await sleep(1_000);
      wrongNew = (await wrongUsers(ctx, fresh)).length;
    }
  }
  const cronMs = Date.now() - t0;
  const wrongCanceledAfter = await wrongUsers(ctx, healthy);
  if (wrongCanceledAfter.length) {
    notes.push(
      `${wrongCanceledAfter.length}/${healthy.length} users whose cancellation webhook was dropped keep access after the cron: ` +
        "customers_to_reconcile only picks customers never synced or synced more than a day ago",
    );
  }
  return {
    notes,
    figures: [
      figure("reconcile_users_dropped", fresh.length + healthy.length, "users", {
        detail: `${fresh.length} new subscriptions and ${healthy.length} cancellations whose every delivery was dropped`,
      }),
      figure("reconcile_new_wrong_before_cron", wrongNewBefore, "users"),
      figure("reconcile_new_wrong_after_cron", wrongNew, "users", { mustBeZero: true }),
      figure("reconcile_cron_runs", runs, "runs", { detail: `${cronMs} ms until right (batches of 100 customers)` }),
      figure("reconcile_cron_errors", cronErrors, "runs", { mustBeZero: true }),
      figure("reconcile_canceled_wrong_before_cron", wrongCanceledBefore, "users"),
      figure("reconcile_canceled_wrong_after_cron", wrongCanceledAfter.length, "users", {
        detail: "missed cancellations of recently synced customers: left to the daily staleness pass",
      }),
    ],
  };
}

export async function runOutages(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const n = ctx.smoke ? 12 : 300;
  const outageMs = ctx.smoke ? 10_000 : 20_000;
  const notes: string[] = [];
  const figures: Figure[] = [];
  for (const kind of ["supabase_down", "stripe_fail20"] as const) {
    ctx.log(`outages: ${kind}…`);
    const r = await outageRound(ctx, kind, kind === "supabase_down" ? n : Math.ceil(n / 2), outageMs);
    figures.push(...r.figures);
    notes.push(...r.notes);
  }
  ctx.log("outages: reconciliation…");
  const rec = await reconcileRound(ctx);
  figures.push(...rec.figures);
  notes.push(...rec.notes);
  return partResult("outages", started, notes, figures);
}
