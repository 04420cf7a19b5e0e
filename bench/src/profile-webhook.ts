// Where a webhook's time goes: times each hop the API makes for one delivery (PostgREST RPCs on the
// Supabase stand-in, subscriptions.list on the Stripe stand-in, the SQL function on Postgres, the
// whole webhook in workerd), alone and at the delivery concurrency, with the CPU each process spent
// per operation (process-cpu.ts: what limits throughput on a shared machine, whatever its load).
// `node bench/src/profile-webhook.ts` (PROFILE_N, PROFILE_ONLY=<part of a hop's name>, PROFILE_SETTLE_MS).
import { startStack } from "@gatehouse/stack";
import pg from "pg";
import type Stripe from "stripe";
import { cpuDelta, treeCpuMs } from "./process-cpu.ts";
import { standInStripe } from "./stack-context.ts";
import { control } from "./stand-in-controls.ts";
import { percentile, pool, round } from "./stats.ts";

const N = Number(process.env.PROFILE_N ?? 200);
const only = process.env.PROFILE_ONLY ?? "";
const settleMs = Number(process.env.PROFILE_SETTLE_MS ?? 0);
const stack = await startStack({ deliveryConcurrency: 32 });
const db = new pg.Pool({ connectionString: stack.urls.postgres, max: 40 });
try {
  const stripe = standInStripe(stack.urls.stripeDirect, stack.keys.stripe);
  const { rows } = await db.query<{ id: string }>(
    "insert into auth.users (id, email) values (gen_random_uuid(), 'profile@bench.test') returning id",
  );
  const userId = rows[0]?.id ?? "";
  const customer = await stripe.customers.create({ email: "profile@bench.test", metadata: { user_id: userId } });
  await db.query("select public.bind_customer($1, $2)", [userId, customer.id]);
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: stack.prices.monthly, quantity: 1 }],
    subscription_data: { metadata: { user_id: userId } },
    success_url: `${stack.urls.web}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
  });
  await control(stack.urls.stripeDirect, `/_sandbox/checkout/sessions/${session.id}/complete`, {});
  await control(stack.urls.stripeDirect, "/_sandbox/deliveries/wait", { timeoutMs: 20_000 });
  const { rows: ev } = await db.query<{ data: string }>(
    "select data from stripe_sandbox.objects where kind = 'event' and data like '%customer.subscription.created%' limit 1",
  );
  const event = JSON.parse(ev[0]?.data ?? "{}") as Stripe.Event;
  const subs = await stripe.subscriptions.list({ customer: customer.id, status: "all" });
  const subsJson = JSON.stringify(subs.data);

  /** A PostgREST RPC on the Supabase stand-in with the secret key, as the API makes it. */
  const rpc = (fn: string, args: Record<string, unknown>) =>
    fetch(`${stack.sandbox.urls.supabase}/rest/v1/rpc/${fn}`, {
      method: "POST",
      headers: {
        apikey: stack.keys.secret,
        authorization: `Bearer ${stack.keys.secret}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(args),
    }).then((r) => r.text());
  const hops: Record<string, (i: number) => Promise<unknown>> = {
    "api GET /api/health (wrangler dev + workerd, no I/O)": () =>
      fetch(`${stack.urls.api}/api/health`).then((r) => r.text()),
    "api webhook, duplicate of a processed event (1 RPC)": () => {
      const payload = JSON.stringify(event);
      const sig = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.keys.webhook });
      return fetch(`${stack.urls.api}/api/stripe/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": sig },
        body: payload,
      }).then((r) => r.text());
    },
    "stripe stand-in subscriptions.list (through fault proxy)": () =>
      fetch(`${stack.sandbox.urls.stripe}/v1/subscriptions?customer=${customer.id}&status=all&limit=100`, {
        headers: { authorization: `Bearer ${stack.keys.stripe}` },
      }).then((r) => r.text()),
    "supabase stand-in rpc record_stripe_event (through fault proxy)": (i) =>
      rpc("record_stripe_event", { p_id: `evt_profile_${i}`, p_type: "x", p_created: new Date().toISOString() }),
    "supabase stand-in rpc sync_customer (through fault proxy)": () =>
      rpc("sync_customer", {
        p_customer_id: customer.id,
        p_subscriptions: subs.data,
        p_snapshot_at: new Date().toISOString(),
      }),
    "postgres select sync_customer (pg)": () =>
      db.query("select public.sync_customer($1, $2::jsonb, now(), null)", [customer.id, subsJson]),
    "api webhook, fresh event id (workerd)": (i) => {
      const payload = JSON.stringify({ ...event, id: `evt_profile_wh_${i}_${Date.now()}` });
      const sig = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.keys.webhook });
      return fetch(`${stack.urls.api}/api/stripe/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": sig },
        body: payload,
      }).then(async (r) => {
        if (!r.ok) throw new Error(`webhook ${r.status} ${await r.text()}`);
      });
    },
  };
  for (const [name, fn] of Object.entries(hops)) {
    if (only && !name.includes(only)) continue;
    for (const conc of [1, 32]) {
      const lat: number[] = [];
      const cpu0 = treeCpuMs();
      const t0 = performance.now();
      await pool(N, conc, async (i) => {
        const s = performance.now();
        await fn(i + conc * 100_000);
        lat.push(performance.now() - s);
      });
      const secs = (performance.now() - t0) / 1000;
      // The consumer works on after the last answer: its CPU is counted while it lasts (PROFILE_SETTLE_MS).
      if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
      const cpu = Object.entries(cpuDelta(cpu0, treeCpuMs()))
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([group, ms]) => `${group} ${round(ms / N, 2)}`)
        .join(", ");
      console.log(
        `${name} c=${conc}: ${round(N / secs)} /s, p50 ${round(percentile(lat, 50))} ms, p99 ${round(percentile(lat, 99))} ms; CPU ms per op: ${cpu}`,
      );
    }
  }
} finally {
  await db.end();
  await stack.stop();
}
