// Measures the stand-in on a throw-away Postgres: N customers through checkout (32 at a time),
// webhook delivery to a trivial receiver, subscriptions.list latency, and a month of renewals.
// Run: node scripts/bootstrap.mjs node bench/src/stand-in-throughput.ts [N]
import http from "node:http";
import { NO_LIMITS, SANDBOX_STRIPE_SECRET_KEY, startStripeStandIn } from "@gatehouse/sandbox";
import { startTestDatabase } from "@gatehouse/sandbox/postgres";
import Stripe from "stripe";

const sdk = (port: number) =>
  new Stripe(SANDBOX_STRIPE_SECRET_KEY, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 32;

let received = 0;
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    received++;
    res.writeHead(200).end("{}");
  });
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const addr = receiver.address();
const receiverPort = typeof addr === "object" && addr ? addr.port : 0;
const db = await startTestDatabase();
const standIn = await startStripeStandIn({
  databaseUrl: db.url,
  port: 0,
  // Measures the stand-in's own throughput, far above Stripe's rate limits.
  limits: NO_LIMITS,
  webhook: { url: `http://127.0.0.1:${receiverPort}/webhook`, secret: "whsec_measure" },
});
const stripe = sdk(standIn.port);
const control = async (path: string, body: unknown) =>
  (await fetch(`${standIn.url}${path}`, { method: "POST", body: JSON.stringify(body) })).json();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]?.toFixed(3);

try {
  const price = await stripe.prices.create({
    currency: "eur",
    unit_amount: 900,
    recurring: { interval: "month" },
    product_data: { name: "Measure" },
  });
  const customers: string[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const c = await stripe.customers.create({ email: `u${i}@example.com`, metadata: { user_id: `u${i}` } });
        customers.push(c.id);
        const cs = await stripe.checkout.sessions.create({
          mode: "subscription",
          customer: c.id,
          line_items: [{ price: price.id, quantity: 1 }],
          success_url: "http://127.0.0.1/ok?session_id={CHECKOUT_SESSION_ID}",
        });
        await control(`/_sandbox/checkout/sessions/${cs.id}/complete`, { card: "4242424242424242" });
      }
    }),
  );
  const t1 = performance.now();
  await control("/_sandbox/deliveries/wait", { timeoutMs: 120_000 });
  const t2 = performance.now();
  console.log(
    `${N} customers through checkout: ${(t1 - t0).toFixed(0)} ms, ${((3 * N) / ((t1 - t0) / 1000)).toFixed(0)} requests/s`,
  );
  console.log(`${received} webhooks delivered ${(t2 - t1).toFixed(0)} ms after the last checkout`);

  const sdkTimes: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = performance.now();
    await stripe.subscriptions.list({ customer: customers[i % customers.length] ?? "", status: "all" });
    sdkTimes.push(performance.now() - a);
  }
  console.log(`subscriptions.list through the SDK: p50 ${pct(sdkTimes, 0.5)} ms, p99 ${pct(sdkTimes, 0.99)} ms`);

  const before = received;
  const c0 = performance.now();
  const adv = (await control("/_sandbox/clock/advance", { seconds: 32 * 86_400 })) as { transitions: unknown[] };
  const c1 = performance.now();
  await control("/_sandbox/deliveries/wait", { timeoutMs: 120_000 });
  const c2 = performance.now();
  const n = received - before;
  console.log(`clock +32 days: ${adv.transitions.length} renewals in ${(c1 - c0).toFixed(0)} ms (durable)`);
  console.log(
    `${n} webhooks delivered in ${(c2 - c1).toFixed(0)} ms after that: ${(n / ((c2 - c1) / 1000)).toFixed(0)} events/s`,
  );
} finally {
  await standIn.stop();
  await db.stop();
  receiver.close();
}
