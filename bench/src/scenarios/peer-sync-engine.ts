// peer_sync_engine: the storm's deliveries (same order, same duplicates) fed to Supabase's
// open-source Stripe sync engine (@supabase/stripe-sync-engine 0.48.5) into its own schema of the
// same Postgres, at the same concurrency. Twice: its default mode, which trusts each event's copy
// of the object, and with revalidateObjectsViaStripeApi: ["subscription"], re-fetching from the
// stand-in. Counts subscriptions whose final status differs from the stand-in's, next to ours.
import { createRequire } from "node:module";
import type * as SyncEngine from "@supabase/stripe-sync-engine";
import Stripe from "stripe";
import { atLeast, atMost, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";
import { pool, round } from "../stats.ts";
import { finalStatuses, wrongStatuses } from "../status-check.ts";
import type { StormCapture } from "./webhook-storm.ts";

// Its ESM build's runMigrations uses __dirname and fails: load the CommonJS build.
const engine = createRequire(import.meta.url)("@supabase/stripe-sync-engine") as typeof SyncEngine;

interface ModeResult {
  eventsPerSecond: number | null;
  wrongStatus: number;
  missing: number;
  errors: number;
  firstError: string;
}

async function runMode(
  ctx: BenchContext,
  storm: StormCapture,
  refetch: boolean,
  truth: Map<string, string>,
): Promise<ModeResult> {
  const databaseUrl = ctx.stack.urls.postgres;
  const concurrency = ctx.sizes.deliveryConcurrency;
  // Its migrations name the schema "stripe" whatever `schema` says: one mode at a time, from scratch.
  const schema = "stripe";
  await ctx.db.query(`drop schema if exists ${schema} cascade`);
  // runMigrations swallows its errors unless given a logger: check the table it must create.
  await engine.runMigrations({ databaseUrl, schema });
  await ctx.db.query(`select 1 from ${schema}.subscriptions limit 1`);
  const sync = new engine.StripeSync({
    schema,
    stripeSecretKey: ctx.stack.keys.stripe,
    stripeWebhookSecret: ctx.stack.keys.webhook,
    poolConfig: { connectionString: databaseUrl, max: concurrency },
    ...(refetch ? { revalidateObjectsViaStripeApi: ["subscription" as const] } : {}),
  });
  // Its own client points at api.stripe.com: point it at the stand-in instead.
  const url = new URL(ctx.stack.urls.stripeDirect);
  sync.stripe = new Stripe(ctx.stack.keys.stripe, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: 0,
  });
  let errors = 0;
  let firstError = "";
  let seconds = 0;
  try {
    const events = storm.delivered.flatMap((a) => {
      const e = storm.events.get(a.event_id);
      return e ? [e] : [];
    });
    const t0 = performance.now();
    await pool(events.length, concurrency, async (i) => {
      const e = events[i];
      if (!e) return;
      try {
        await sync.processEvent(e);
      } catch (err) {
        errors++;
        firstError ||= err instanceof Error ? err.message : String(err);
      }
    });
    seconds = (performance.now() - t0) / 1000;
  } finally {
    await sync.postgresClient.pool.end();
  }
  const { wrong, missing } = await wrongStatuses(
    ctx.db,
    `select id, status::text as status from ${schema}.subscriptions where id = any($1::text[])`,
    truth,
  );
  return {
    eventsPerSecond: seconds > 0 ? storm.delivered.length / seconds : null,
    wrongStatus: wrong,
    missing,
    errors,
    firstError,
  };
}

export async function peerSyncEngine(ctx: BenchContext, storm: StormCapture): Promise<ScenarioResult> {
  const started = performance.now();
  const problems: string[] = [];
  const notes: string[] = [];
  const truth = finalStatuses(storm.subsByCustomer);
  const ours = storm.oursStatuses;
  if (ours.wrong + ours.missing > 0)
    problems.push(`ours: ${ours.wrong} subscriptions in the wrong status, ${ours.missing} missing`);
  const trusting = await runMode(ctx, storm, false, truth);
  const refetching = await runMode(ctx, storm, true, truth);
  for (const [name, m] of [
    ["payload-trusting", trusting],
    ["re-fetching", refetching],
  ] as const) {
    if (m.errors > 0) notes.push(`peer (${name}): ${m.errors} events threw, first: ${m.firstError.slice(0, 200)}`);
  }
  notes.push(
    "The peer orders writes by event.created (whole seconds) and skips a write whose timestamp is not newer, so " +
      "out-of-order deliveries within one second or older copies can leave a stale status in payload-trusting mode; " +
      "re-fetching mode asks the stand-in for the subscription on each subscription event.",
  );
  const oursEps = storm.eventsPerSecond;
  return {
    name: "peer_sync_engine",
    parameters: {
      peer: "@supabase/stripe-sync-engine 0.48.5",
      schema: "stripe (its migrations hard-code it), one mode after the other",
      concurrency: ctx.sizes.deliveryConcurrency,
      deliveries: storm.delivered.length,
      subscriptions: truth.size,
      transport: "processEvent(event) in-process (no HTTP, no signature check)",
    },
    figures: {
      oursEventsPerSecond: round(oursEps),
      peerEventsPerSecond: round(trusting.eventsPerSecond),
      peerRefetchEventsPerSecond: round(refetching.eventsPerSecond),
      oursWrongStatus: ours.wrong,
      oursMissing: ours.missing,
      peerWrongStatus: trusting.wrongStatus,
      peerMissing: trusting.missing,
      peerRefetchWrongStatus: refetching.wrongStatus,
      peerRefetchMissing: refetching.missing,
      peerErrors: trusting.errors,
      peerRefetchErrors: refetching.errors,
      oursOverPeerThroughput: round(
        oursEps !== null && trusting.eventsPerSecond ? oursEps / trusting.eventsPerSecond : null,
        3,
      ),
    },
    targets: [
      atLeast(
        "oursEventsPerSecond (vs peerEventsPerSecond)",
        oursEps !== null && trusting.eventsPerSecond !== null ? oursEps - trusting.eventsPerSecond : null,
        0,
        " difference",
      ),
      atMost("oursWrongStatus", ours.wrong + ours.missing, 0),
    ],
    ok: problems.length === 0,
    problems,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
}
