// Shared set-up for the stand-in's tests: a throw-away Postgres, the stand-in on a free port, the
// real SDK pointed at it, and a small webhook receiver that verifies signatures with the SDK.
import http from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { SANDBOX_STRIPE_SECRET_KEY } from "../keys.ts";
import { type RunningPostgres, startTestDatabase } from "../postgres/index.ts";
import { ConformanceChecker, describeProblems, type RecordedBody } from "./conformance/conformance.ts";
import { type RunningStripeStandIn, type StripeStandInOptions, startStripeStandIn } from "./index.ts";
import { NO_LIMITS } from "./rate-limits.ts";

export interface Harness {
  db: RunningPostgres;
  standIn: RunningStripeStandIn;
  stripe: Stripe;
  /** POST/GET a `/_sandbox` control. */
  control<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    method?: string,
  ): Promise<{ status: number; body: T }>;
  restart(extra?: Partial<StripeStandInOptions>): Promise<void>;
  /** Stops everything, then fails if anything the stand-in answered or emitted did not conform. */
  stop(): Promise<void>;
}

let checker: ConformanceChecker | null = null;

/** Every Stripe object and event a test file saw, against the stripe package's types (see README, Conformance). */
function assertConformance(recorded: readonly RecordedBody[]): void {
  if (recorded.length === 0) return;
  checker ??= new ConformanceChecker();
  const report = checker.checkAll(recorded);
  if (report.problems.length)
    throw new Error(
      `The Stripe stand-in answered or emitted objects that do not match the stripe package's types:\n${describeProblems(report.problems)}`,
    );
}

export function sdk(port: number, key = SANDBOX_STRIPE_SECRET_KEY): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
}

/**
 * Starts a stand-in for a test. Without `extra.limits`, Stripe's rate limits are off: the behaviour
 * tests fire bursts of setup calls a paced client would spread out (rate-limits.test.ts covers the
 * limits themselves and passes `limits: {}` for the defaults). Unless `extra.record` is given, every
 * answer and event is recorded and `stop()` checks them against the stripe package's types.
 */
export async function startHarness(given: Partial<StripeStandInOptions> = {}): Promise<Harness> {
  const recorded: RecordedBody[] = [];
  const extra = { limits: NO_LIMITS, record: (r: RecordedBody) => recorded.push(r), ...given };
  const db = await startTestDatabase();
  let standIn = await startStripeStandIn({ databaseUrl: db.url, port: 0, ...extra });
  const h: Harness = {
    db,
    standIn,
    stripe: sdk(standIn.port),
    async control<T>(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
      const res = await fetch(`${h.standIn.url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // Test helper: the caller names the shape it expects from the control.
      return { status: res.status, body: (await res.json()) as T };
    },
    async restart(more: Partial<StripeStandInOptions> = {}) {
      await standIn.stop();
      standIn = await startStripeStandIn({ databaseUrl: db.url, port: 0, ...extra, ...more });
      h.standIn = standIn;
      h.stripe = sdk(standIn.port);
    },
    async stop() {
      await h.standIn.stop().catch(() => undefined);
      await db.stop();
      assertConformance(recorded);
    },
  };
  return h;
}

/**
 * The usual set-up of a stand-in test file: generous time limits (real Postgres, real HTTP, on a shared
 * 2-core machine), one harness started before the file's tests and stopped (with its conformance
 * check) after them. The returned object stands for that harness once `beforeAll` has run.
 */
export function useHarness(given: Partial<StripeStandInOptions> = {}): Harness {
  vi.setConfig({ testTimeout: 60_000, hookTimeout: 90_000 });
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(given);
  }, 60_000);
  afterAll(async () => {
    await current?.stop();
  });
  const started = (): Harness => current ?? expect.unreachable("the harness is used before beforeAll started it");
  return new Proxy(Object.create(null), { get: (_target, key) => Reflect.get(started(), key) });
}

/** The stand-in's clock, in Unix seconds. */
export async function clockNow(h: Harness): Promise<number> {
  return (await h.control<{ now: number }>("/_sandbox/clock")).body.now;
}

/** Moves the stand-in's clock forward to `t` (never back), running what falls due on the way. */
export async function advanceClockTo(h: Harness, t: number): Promise<void> {
  const res = await h.control("/_sandbox/clock/advance", { seconds: Math.max(0, t - (await clockNow(h))) });
  expect(res.status).toBe(200);
}

/** A subscription's first (here, only) item, and its current period. */
export const firstItem = (s: Stripe.Subscription) => s.items.data[0] ?? expect.unreachable("no item");
export const itemPeriod = (s: Stripe.Subscription) => ({
  start: firstItem(s).current_period_start,
  end: firstItem(s).current_period_end,
});

export interface Receiver {
  url: string;
  events: Stripe.Event[];
  /** Status codes to answer with, in order; 200 once exhausted; 0 leaves the request hanging. */
  script: number[];
  badSignatures: number;
  hits: number;
  waitFor(pred: (events: Stripe.Event[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A webhook receiver on a free port that verifies every delivery with the SDK's constructEventAsync. */
export async function startReceiver(secret: string): Promise<Receiver> {
  const verifier = new Stripe("sk_test_verifier");
  const r: Receiver = {
    url: "",
    events: [],
    script: [],
    badSignatures: 0,
    hits: 0,
    async waitFor(pred, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!pred(r.events)) {
        if (Date.now() > until)
          throw new Error(`receiver: condition not met in ${timeoutMs} ms (${r.events.length} events)`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    stop: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      r.hits++;
      const status = r.script.shift() ?? 200;
      if (status === 0) return;
      if (status !== 200) {
        res.writeHead(status).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString("utf8");
      const sig = req.headers["stripe-signature"];
      verifier.webhooks
        .constructEventAsync(raw, typeof sig === "string" ? sig : "", secret)
        .then((event) => {
          r.events.push(event);
          res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
        })
        .catch(() => {
          r.badSignatures++;
          res.writeHead(400).end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  r.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/webhook`;
  r.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return r;
}

/** A monthly product and price, created through the SDK. */
export async function makePlan(
  stripe: Stripe,
  opts: {
    amount?: number;
    interval?: "month" | "year";
    trialDays?: number;
    product?: string;
    /** More of the price's parameters (tax behaviour, currency options…). */
    extra?: Partial<Stripe.PriceCreateParams>;
  } = {},
): Promise<Stripe.Price> {
  const product =
    opts.product ?? (await stripe.products.create({ name: "Gatehouse Pro", metadata: { entitlement: "pro" } })).id;
  return stripe.prices.create({
    product,
    currency: "eur",
    unit_amount: opts.amount ?? 900,
    recurring: {
      interval: opts.interval ?? "month",
      ...(opts.trialDays ? { trial_period_days: opts.trialDays } : {}),
    },
    ...opts.extra,
  });
}

export async function checkout(
  h: Harness,
  price: string,
  opts: { card?: string; trialDays?: number; trialFromPlan?: boolean; customer?: string; email?: string } = {},
): Promise<{ session: Stripe.Checkout.Session; subscription: Stripe.Subscription }> {
  const session = await h.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    ...(opts.customer ? { customer: opts.customer } : { customer_email: opts.email ?? "buyer@example.com" }),
    client_reference_id: "user-1",
    subscription_data: {
      metadata: { user_id: "user-1" },
      ...(opts.trialDays ? { trial_period_days: opts.trialDays } : {}),
      ...(opts.trialFromPlan ? { trial_from_plan: true } : {}),
    },
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://127.0.0.1:5173/pricing",
  });
  const done = await h.control<{ subscription: string }>(`/_sandbox/checkout/sessions/${session.id}/complete`, {
    card: opts.card ?? "4242424242424242",
  });
  if (done.status !== 200) throw new Error(`complete failed: ${JSON.stringify(done.body)}`);
  const subscription = await h.stripe.subscriptions.retrieve(done.body.subscription);
  return { session: await h.stripe.checkout.sessions.retrieve(session.id), subscription };
}

/** A Checkout Session for one of `price`, left unpaid: subscription mode unless `extra` changes it. */
export function openSession(
  h: Harness,
  price: string,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return h.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    success_url: "http://127.0.0.1:5173/ok?session_id={CHECKOUT_SESSION_ID}",
    ...extra,
  });
}

/**
 * A portal for `customer` whose configuration lets them switch prices, invoiced at once: among
 * `prices` (each under its product) when given, and scheduled for the period's end under the
 * given conditions.
 */
export async function switchingPortal(
  h: Harness,
  customer: string | Stripe.Customer | Stripe.DeletedCustomer,
  opts: {
    prices?: Stripe.Price[];
    scheduleAtPeriodEnd?: Array<"decreasing_item_amount" | "shortening_interval">;
  } = {},
): Promise<{ config: Stripe.BillingPortal.Configuration; portal: Stripe.BillingPortal.Session }> {
  const config = await h.stripe.billingPortal.configurations.create({
    features: {
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price"],
        proration_behavior: "always_invoice",
        ...(opts.prices ? { products: opts.prices.map((p) => ({ product: String(p.product), prices: [p.id] })) } : {}),
        ...(opts.scheduleAtPeriodEnd
          ? { schedule_at_period_end: { conditions: opts.scheduleAtPeriodEnd.map((type) => ({ type })) } }
          : {}),
      },
    },
  });
  const portal = await h.stripe.billingPortal.sessions.create({
    customer: typeof customer === "string" ? customer : customer.id,
    configuration: config.id,
  });
  return { config, portal };
}

/** Post-payment invoices with every `invoice_data` field the stand-in models. */
export const FULL_INVOICE_CREATION = {
  enabled: true,
  invoice_data: {
    description: "One-time purchase on Gatehouse",
    metadata: { user_id: "u1" },
    footer: "Thank you",
    custom_fields: [{ name: "Order", value: "42" }],
    rendering_options: { amount_tax_display: "include_inclusive_tax" },
  },
} satisfies Stripe.Checkout.SessionCreateParams.InvoiceCreation;

/**
 * A payment-mode session as Gatehouse opens it: an existing customer, tax, tax ID collection
 * (`extra` may change any of it, the mode included).
 */
export function paymentSession(
  h: Harness,
  price: string,
  customer: string,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return openSession(h, price, {
    mode: "payment",
    customer,
    automatic_tax: { enabled: true },
    billing_address_collection: "required",
    customer_update: { address: "auto", name: "auto" },
    tax_id_collection: { enabled: true },
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
    ...extra,
  });
}
