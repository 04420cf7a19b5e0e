// peer_sync_engine: the storm's deliveries (same order, same duplicates) signed as Stripe signs and
// posted to Supabase's open-source Stripe sync engine (@supabase/stripe-sync-engine 0.48.5) behind
// an HTTP endpoint (processWebhook: signature verified), into its own schema of the same Postgres,
// at the same concurrency, with Stripe's test-mode rate limits on. Twice: its default mode, which
// trusts each event's copy of the object, and with revalidateObjectsViaStripeApi:
// ["subscription"], re-fetching from the same rate-limited stand-in. The same figures as ours.
import http from "node:http";
import { createRequire } from "node:module";
import type * as SyncEngine from "@supabase/stripe-sync-engine";
import Stripe from "stripe";
import { atMost, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";
import { percentile, pool, round } from "../stats.ts";
import { finalStatuses, wrongStatuses } from "../status-check.ts";
import { LIMITS_OFF, STRIPE_TEST_MODE, setLimits, stripeUsage } from "../stripe-usage.ts";
import type { StormCapture } from "./webhook-storm.ts";

// Its ESM build's runMigrations uses __dirname and fails: load the CommonJS build.
const engine = createRequire(import.meta.url)("@supabase/stripe-sync-engine") as typeof SyncEngine;

interface ModeResult {
  eventsPerSecond: number | null;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  stripeRequestsPerEvent: number | null;
  stripe429: number;
  /** Deliveries still refused after the same retry schedule the stand-in uses. */
  failedForGood: number;
  wrongStatus: number;
  missing: number;
  errors: number;
  /** Attempts that got no answer (timeout, connection refused or reset), included in `errors`. */
  networkErrors: number;
  firstError: string;
}

/** The peer behind an HTTP endpoint, as it would be deployed: raw body + Stripe-Signature to processWebhook. */
async function serve(sync: SyncEngine.StripeSync): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const signature = req.headers["stripe-signature"];
      sync
        .processWebhook(Buffer.concat(chunks), typeof signature === "string" ? signature : undefined)
        .then(() => res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}'))
        .catch((e: unknown) =>
          res
            .writeHead(e instanceof Error && /signature/i.test(e.message) ? 400 : 500)
            .end(e instanceof Error ? e.message : String(e)),
        );
    });
  });
  // As the stand-ins do (http/listen.ts): longer than the client's keep-alive, so a reused socket is
  // never closed under a request in flight (undici then fails with "fetch failed").
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const RETRY_SCHEDULE_MS = [250, 500, 1000, 2000, 4000];
/** How long an attempt may take, as the stand-in waits for ours (its deliveryTimeoutMs). */
const DELIVERY_TIMEOUT_MS = 10_000;

/** One signed attempt: answered 2xx, refused (status and body), or no answer (network: the cause). */
async function deliver(
  url: string,
  payload: string,
  signature: string,
): Promise<{ ok: true } | { ok: false; network: boolean; error: string }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      body: payload,
      headers: { "content-type": "application/json", "stripe-signature": signature },
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await res.text();
    return res.ok ? { ok: true } : { ok: false, network: false, error: `${res.status} ${text.slice(0, 200)}` };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return { ok: false, network: true, error: `${e instanceof Error ? e.message : String(e)}${cause}` };
  }
}

async function runMode(
  ctx: BenchContext,
  storm: StormCapture,
  refetch: boolean,
  truth: Map<string, string>,
): Promise<ModeResult> {
  const databaseUrl = ctx.stack.urls.postgres;
  const concurrency = ctx.sizes.deliveryConcurrency;
  const stripeUrl = ctx.stack.urls.stripeDirect;
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
  // Its own client points at api.stripe.com: point it at the same rate-limited stand-in (SDK defaults otherwise).
  const url = new URL(stripeUrl);
  sync.stripe = new Stripe(ctx.stack.keys.stripe, { host: url.hostname, port: Number(url.port), protocol: "http" });
  const endpoint = await serve(sync);
  const signer = new Stripe(ctx.stack.keys.stripe);
  let errors = 0;
  let networkErrors = 0;
  let firstError = "";
  let failedForGood = 0;
  const latencies: number[] = [];
  let seconds = 0;
  await setLimits(stripeUrl, STRIPE_TEST_MODE, { resetStats: true });
  try {
    const events = storm.delivered.flatMap((a) => {
      const e = storm.events.get(a.event_id);
      return e ? [e] : [];
    });
    const t0 = performance.now();
    // The storm's deliveries, same order and duplicates, signed as Stripe signs, at the same
    // concurrency; a refused delivery is retried on the stand-in's schedule.
    await pool(events.length, concurrency, async (i) => {
      const e = events[i];
      if (!e) return;
      const payload = JSON.stringify(e);
      for (let attempt = 0; ; attempt++) {
        const header = signer.webhooks.generateTestHeaderString({ payload, secret: ctx.stack.keys.webhook });
        const a0 = performance.now();
        const outcome = await deliver(endpoint.url, payload, header);
        latencies.push(performance.now() - a0);
        if (outcome.ok) return;
        // Refused, timed out or the connection failed: an error of the peer's, retried as Stripe
        // retries any of them, never the end of the scenario.
        errors++;
        if (outcome.network) networkErrors++;
        firstError ||= outcome.error;
        const wait = RETRY_SCHEDULE_MS[attempt];
        if (wait === undefined) {
          failedForGood++;
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    });
    seconds = (performance.now() - t0) / 1000;
  } finally {
    await endpoint.close();
    await sync.postgresClient.pool.end();
  }
  const usage = await stripeUsage(stripeUrl);
  await setLimits(stripeUrl, LIMITS_OFF);
  const unique = new Set(storm.delivered.map((a) => a.event_id)).size;
  const { wrong, missing } = await wrongStatuses(
    ctx.db,
    `select id, status::text as status from ${schema}.subscriptions where id = any($1::text[])`,
    truth,
  );
  return {
    eventsPerSecond: seconds > 0 ? storm.delivered.length / seconds : null,
    ackP50Ms: round(percentile(latencies, 50)),
    ackP99Ms: round(percentile(latencies, 99)),
    stripeRequestsPerEvent: unique > 0 ? round(usage.requests / unique, 3) : null,
    stripe429: usage.rateLimited + usage.lockTimeouts,
    failedForGood,
    wrongStatus: wrong,
    missing,
    errors,
    networkErrors,
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
    if (m.errors > 0)
      notes.push(
        `peer (${name}): ${m.errors} attempts failed (${m.networkErrors} without an answer: timeout after ` +
          `${DELIVERY_TIMEOUT_MS / 1000} s or connection error), retried on the stand-in's schedule; first: ${m.firstError.slice(0, 200)}`,
      );
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
      transport: "HTTP endpoint, processWebhook(raw body, Stripe-Signature): signature verified",
      stripeLimits: `${STRIPE_TEST_MODE.perSecond}/s overall, ${STRIPE_TEST_MODE.perEndpointPerSecond}/s per endpoint`,
    },
    figures: {
      oursEventsPerSecond: round(oursEps),
      peerEventsPerSecond: round(trusting.eventsPerSecond),
      peerRefetchEventsPerSecond: round(refetching.eventsPerSecond),
      oursAckP50Ms: storm.ours.ackP50Ms,
      oursAckP99Ms: storm.ours.ackP99Ms,
      peerAckP50Ms: trusting.ackP50Ms,
      peerAckP99Ms: trusting.ackP99Ms,
      peerRefetchAckP50Ms: refetching.ackP50Ms,
      peerRefetchAckP99Ms: refetching.ackP99Ms,
      oursStripeRequestsPerEvent: storm.ours.stripeRequestsPerEvent,
      peerStripeRequestsPerEvent: trusting.stripeRequestsPerEvent,
      peerRefetchStripeRequestsPerEvent: refetching.stripeRequestsPerEvent,
      oursStripe429: storm.ours.stripe429,
      peerStripe429: trusting.stripe429,
      peerRefetchStripe429: refetching.stripe429,
      peerFailedForGood: trusting.failedForGood,
      peerRefetchFailedForGood: refetching.failedForGood,
      oursWrongStatus: ours.wrong,
      oursMissing: ours.missing,
      peerWrongStatus: trusting.wrongStatus,
      peerMissing: trusting.missing,
      peerRefetchWrongStatus: refetching.wrongStatus,
      peerRefetchMissing: refetching.missing,
      peerErrors: trusting.errors,
      peerRefetchErrors: refetching.errors,
      peerNetworkErrors: trusting.networkErrors,
      peerRefetchNetworkErrors: refetching.networkErrors,
      oursOverPeerThroughput: round(
        oursEps !== null && trusting.eventsPerSecond ? oursEps / trusting.eventsPerSecond : null,
        3,
      ),
    },
    targets: [
      atMost("oursWrongStatus", ours.wrong + ours.missing, 0),
      atMost(
        "oursStripeRequestsPerEvent (vs peerRefetchStripeRequestsPerEvent)",
        storm.ours.stripeRequestsPerEvent !== null && refetching.stripeRequestsPerEvent !== null
          ? storm.ours.stripeRequestsPerEvent - refetching.stripeRequestsPerEvent
          : null,
        0,
        " difference",
      ),
    ],
    ok: problems.length === 0,
    problems,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
}
