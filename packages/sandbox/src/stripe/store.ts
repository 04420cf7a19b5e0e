import pg from "pg";
import type Stripe from "stripe";
import { inTransaction } from "../postgres/in-transaction.ts";
import type { LineSpec } from "./resources/invoices.ts";

/** Internal state the stand-in keeps beside a subscription (not part of Stripe's object). */
export interface SubscriptionState {
  id: string;
  card: string;
  /** Failed renewal attempts so far on the open invoice. */
  failedAttempts: number;
  nextRetryAt: number | null;
  openInvoice: string | null;
  trialWillEndSent: boolean;
  /** Proration lines waiting for the next invoice (`proration_behavior: create_prorations`). */
  pendingLines?: LineSpec[];
  /** A `pending_if_incomplete` change waiting for its invoice to be paid. */
  pendingChange?: {
    invoice: string;
    items: Stripe.SubscriptionItem[];
    period: { start: number; end: number } | null;
    billingCycleAnchor: number | null;
    /** Earlier prorations this change's invoice carried (back to pendingLines if it is voided). */
    carriedLines?: LineSpec[];
  } | null;
}

/** What a Checkout Session was created with, needed when it completes. */
export interface SessionState {
  id: string;
  lineItems: Array<{ price: string; quantity: number }>;
  subscriptionMetadata: Record<string, string>;
  trialPeriodDays: number | null;
  /** What the trial does at its end when no card was given (`subscription_data.trial_settings`). */
  missingPaymentMethod?: "cancel" | "pause" | "create_invoice";
  /** subscription_data[trial_from_plan]: use the price's recurring.trial_period_days. */
  trialFromPlan?: boolean;
  /** Payment mode: what the payment intent is created with. */
  paymentIntentMetadata?: Record<string, string>;
  /** `customer_update[address|name]=auto`: Checkout saves what the buyer enters on the customer. */
  customerUpdate?: { address: boolean; name: boolean };
}

/** A feature attached to a product (Stripe's `product_feature`, kept with the product it belongs to). */
export interface ProductFeatureLink {
  id: string;
  product: string;
  feature: string;
  created: number;
}

/** A customer's active entitlements as last announced (to emit the summary event only on change). */
export interface EntitlementState {
  /** The customer id. */
  id: string;
  /** Feature id → active entitlement id (`ent_…`), stable while the customer keeps the feature. */
  entitlements: Record<string, string>;
}

/** A webhook delivery not finished yet (kept so a restart resumes it: at least once). */
export interface PendingDelivery {
  id: string;
  event: string;
  endpoint: string;
}

/** A price's `currency_options` (Stripe returns them only under `expand[]=currency_options`). */
export interface PriceOptions {
  /** The price id. */
  id: string;
  options: Record<string, { unit_amount: number; tax_behavior: "inclusive" | "exclusive" | "unspecified" }>;
}

/** What a one-time payment was charged with, for its receipt (not part of Stripe's objects). */
export interface PaymentDetail {
  /** The charge id. */
  id: string;
  session: string;
  description: string;
  subtotal: number;
  tax: number;
  taxPercentage: number;
  country: string | null;
  locale: string | null;
}

export interface Kinds {
  product: Stripe.Product;
  price: Stripe.Price;
  customer: Stripe.Customer;
  /** What GET /v1/customers/:id answers once the customer is deleted. */
  deleted_customer: Stripe.DeletedCustomer;
  checkout_session: Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
  event: Stripe.Event;
  webhook_endpoint: Stripe.WebhookEndpoint;
  portal_session: Stripe.BillingPortal.Session;
  portal_configuration: Stripe.BillingPortal.Configuration;
  subscription_state: SubscriptionState;
  session_state: SessionState;
  pending_delivery: PendingDelivery;
  feature: Stripe.Entitlements.Feature;
  product_feature: ProductFeatureLink;
  entitlement_state: EntitlementState;
  subscription_schedule: Stripe.SubscriptionSchedule;
  price_options: PriceOptions;
  payment_intent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  refund: Stripe.Refund;
  dispute: Stripe.Dispute;
  payment_detail: PaymentDetail;
  tax_id: Stripe.TaxId;
}
export type Kind = keyof Kinds;
const kinds: Kind[] = [
  "product",
  "price",
  "customer",
  "deleted_customer",
  "checkout_session",
  "subscription",
  "invoice",
  "event",
  "webhook_endpoint",
  "portal_session",
  "portal_configuration",
  "subscription_state",
  "session_state",
  "pending_delivery",
  "feature",
  "product_feature",
  "entitlement_state",
  "subscription_schedule",
  "price_options",
  "payment_intent",
  "charge",
  "refund",
  "dispute",
  "payment_detail",
  "tax_id",
];

type Tables = { [K in Kind]: Map<string, Kinds[K]> };
type Orders = { [K in Kind]: string[] };

const CHUNK = 1000;

interface PendingWrite {
  kind: Kind;
  id: string;
  seq: number;
  data: unknown;
  deleted: boolean;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}
function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function emptyTables(): Tables {
  return Object.fromEntries(kinds.map((k) => [k, new Map()])) as unknown as Tables;
}
function emptyOrders(): Orders {
  return Object.fromEntries(kinds.map((k) => [k, []])) as unknown as Orders;
}

/**
 * Every object in memory (reads never touch Postgres) and written through to Postgres in batches:
 * `put` changes memory at once, `commit()` resolves when every write made so far is durable.
 * Objects are treated as immutable: updates replace them, so event snapshots stay as they were.
 */
export class Store {
  private tables = emptyTables();
  private orders = emptyOrders();
  private seqs = new Map<string, number>();
  private seq = 0;
  /** Secondary indexes, kept by `put`. */
  private subsByCustomer = new Map<string, string[]>();
  private customersByEmail = new Map<string, string[]>();
  private emailOf = new Map<string, string>();
  /** Bumped by every put/delete: a handler that did not move it has nothing to commit. */
  private writes = 0;
  /** Deleted ids still in `orders`, per kind. */
  private deadIds = new Map<Kind, Set<string>>();
  private pending = new Map<string, PendingWrite>();
  private nextBatch: Deferred | null = null;
  private flushing = false;
  private closed = false;
  readonly pool: pg.Pool;

  constructor(databaseUrl: string, log?: (line: string) => void) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    // An idle connection dropped by Postgres must not take the stand-in down; the next query reconnects.
    this.pool.on("error", (e) => log?.(`Stripe stand-in lost a Postgres connection: ${e.message}`));
  }

  async load(schemaSql: string): Promise<{ clockOffset: number }> {
    await this.pool.query(schemaSql);
    const rows = await this.pool.query<{ kind: string; id: string; seq: string; data: string }>(
      "select kind, id, seq, data from stripe_sandbox.objects order by seq",
    );
    for (const r of rows.rows) {
      const kind = kinds.find((k) => k === r.kind);
      if (!kind) continue;
      this.seq = Math.max(this.seq, Number(r.seq));
      this.setInMemory(kind, r.id, JSON.parse(r.data), Number(r.seq));
    }
    const meta = await this.pool.query<{ value: unknown }>(
      "select value from stripe_sandbox.meta where key = 'clock_offset'",
    );
    const offset = meta.rows[0]?.value;
    return { clockOffset: typeof offset === "number" ? offset : 0 };
  }

  // The one place JSON from Postgres becomes a typed object: the stand-in wrote it from that type.
  private setInMemory(kind: Kind, id: string, data: unknown, seq: number): void {
    const table = this.tables[kind] as Map<string, unknown>;
    if (!table.has(id)) this.orders[kind].push(id);
    table.set(id, data);
    this.seqs.set(`${kind}:${id}`, seq);
    if (kind === "subscription") this.indexSubscription(data as Stripe.Subscription);
    if (kind === "customer") this.indexCustomer(data as Stripe.Customer);
  }

  private indexSubscription(sub: Stripe.Subscription): void {
    const customer = typeof sub.customer === "string" ? sub.customer : sub.customer.id;
    const list = this.subsByCustomer.get(customer) ?? [];
    if (!list.includes(sub.id)) list.push(sub.id);
    this.subsByCustomer.set(customer, list);
  }

  private indexCustomer(c: Stripe.Customer): void {
    const old = this.emailOf.get(c.id);
    if (old !== undefined && old !== c.email) {
      const ids = this.customersByEmail.get(old) ?? [];
      const i = ids.indexOf(c.id);
      if (i >= 0) ids.splice(i, 1);
      this.emailOf.delete(c.id);
    }
    if (!c.email) return;
    this.emailOf.set(c.id, c.email);
    const list = this.customersByEmail.get(c.email) ?? [];
    if (!list.includes(c.id)) list.push(c.id);
    this.customersByEmail.set(c.email, list);
  }

  get<K extends Kind>(kind: K, id: string): Kinds[K] | undefined {
    return this.tables[kind].get(id);
  }

  /** A counter of writes, to tell whether a handler changed anything. */
  get writeCount(): number {
    return this.writes;
  }

  put<K extends Kind>(kind: K, value: Kinds[K]): Kinds[K] {
    this.writes++;
    const id = value.id;
    const key = `${kind}:${id}`;
    let seq = this.seqs.get(key);
    if (seq === undefined) {
      seq = ++this.seq;
      this.seqs.set(key, seq);
      // A deleted id coming back: drop its old place first so it is listed once.
      if (this.deadIds.get(kind)?.has(id)) this.compact(kind);
      this.orders[kind].push(id);
    }
    const table: Map<string, Kinds[K]> = this.tables[kind];
    if (kind === "customer") {
      const old = this.tables.customer.get(id);
      table.set(id, value);
      const now = this.tables.customer.get(id);
      if (now && old?.email !== now.email) this.indexCustomer(now);
    } else {
      table.set(id, value);
      if (kind === "subscription") {
        const sub = this.tables.subscription.get(id);
        if (sub) this.indexSubscription(sub);
      }
    }
    this.pending.set(key, { kind, id, seq, data: value, deleted: false });
    return value;
  }

  delete(kind: Kind, id: string): void {
    this.writes++;
    const key = `${kind}:${id}`;
    this.tables[kind].delete(id);
    // The id stays in the order list (readers skip ids with no object) until there are many such.
    const dead = this.deadIds.get(kind) ?? new Set<string>();
    dead.add(id);
    this.deadIds.set(kind, dead);
    if (dead.size > 1024 && dead.size * 2 > this.orders[kind].length) this.compact(kind);
    this.pending.set(key, { kind, id, seq: this.seqs.get(key) ?? 0, data: null, deleted: true });
    this.seqs.delete(key);
  }

  private compact(kind: Kind): void {
    const table = this.tables[kind];
    const seen = new Set<string>();
    this.orders[kind] = this.orders[kind].filter((id) => table.has(id) && !seen.has(id) && seen.add(id) !== undefined);
    this.deadIds.delete(kind);
  }

  /** Ids of a kind, oldest first (may include deleted ids: `get` answers undefined for those). */
  ids(kind: Kind): readonly string[] {
    return this.orders[kind];
  }

  count(kind: Kind): number {
    return this.tables[kind].size;
  }

  subscriptionIdsOf(customer: string): readonly string[] {
    return this.subsByCustomer.get(customer) ?? [];
  }

  customerIdsByEmail(email: string): readonly string[] {
    return this.customersByEmail.get(email) ?? [];
  }

  async saveMeta(key: string, value: unknown): Promise<void> {
    await this.pool.query(
      "insert into stripe_sandbox.meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value",
      [key, JSON.stringify(value)],
    );
  }

  /** Resolves when every `put`/`delete` made before the call is in Postgres. */
  commit(): Promise<void> {
    if (this.pending.size === 0 && !this.flushing) return Promise.resolve();
    if (!this.nextBatch) this.nextBatch = deferred();
    const p = this.nextBatch.promise;
    void this.flush();
    return p;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      while (this.pending.size > 0 || this.nextBatch) {
        const batch = [...this.pending.values()];
        this.pending = new Map();
        const done = this.nextBatch;
        this.nextBatch = null;
        try {
          await this.writeBatch(batch);
          done?.resolve();
        } catch (e) {
          // Keep the writes for the next commit (unless a newer write of the same object replaced them),
          // so memory and Postgres converge once Postgres is back.
          for (const w of batch) {
            const key = `${w.kind}:${w.id}`;
            if (!this.pending.has(key)) this.pending.set(key, w);
          }
          done?.reject(e);
          // Retried shortly (or by the next commit), not in a tight loop while Postgres is away.
          setTimeout(() => void this.flush(), 250).unref();
          break;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Writes one batch in one transaction, in chunks so a burst (a clock advance) stays a reasonable query. */
  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    if (batch.length === 0) return;
    const puts = batch.filter((w) => !w.deleted);
    const dels = batch.filter((w) => w.deleted);
    await inTransaction(this.pool, async (client) => {
      for (let i = 0; i < puts.length; i += CHUNK) {
        const chunk = puts.slice(i, i + CHUNK);
        await client.query(
          `insert into stripe_sandbox.objects (kind, id, seq, data)
         select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
         on conflict (kind, id) do update set data = excluded.data`,
          [
            chunk.map((w) => w.kind),
            chunk.map((w) => w.id),
            chunk.map((w) => w.seq),
            chunk.map((w) => JSON.stringify(w.data)),
          ],
        );
      }
      if (dels.length) {
        await client.query(
          "delete from stripe_sandbox.objects o using unnest($1::text[], $2::text[]) d(kind, id) where o.kind = d.kind and o.id = d.id",
          [dels.map((w) => w.kind), dels.map((w) => w.id)],
        );
      }
    });
  }

  async reset(): Promise<void> {
    await this.commit();
    this.tables = emptyTables();
    this.orders = emptyOrders();
    this.seqs.clear();
    this.subsByCustomer.clear();
    this.customersByEmail.clear();
    this.emailOf.clear();
    this.deadIds.clear();
    await this.pool.query(
      "truncate stripe_sandbox.objects, stripe_sandbox.idempotency_keys; delete from stripe_sandbox.meta",
    );
  }

  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
    this.closed = true;
    await this.pool.end();
  }
}
