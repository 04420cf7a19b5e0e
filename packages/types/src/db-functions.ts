// What the SQL functions take and return, by name, from the generated `Database` types. Where the
// generated type is looser than the function's contract (a `jsonb` result is generated as `Json`;
// a scalar or `returns table` column is generated as never null, whatever the SQL may return),
// the precise shape is written here ONCE, as a schema beside the function's name, and every
// result of that function is checked against it (`parseDbFunctionResult`): one checked parse at
// the edge of the database, no cast at any call site. Keep each schema next to the SQL function
// it describes (the migration named in its comment); a function not listed is typed exactly as
// generated.
import * as z from "zod/mini";
import type { Database, Json } from "./database.ts";

type Functions = Database["public"]["Functions"];

/** The name of a public SQL function callable through PostgREST (`rpc`). */
export type DbFunctionName = keyof Functions & string;

/** An argument as the caller may give it: SQL takes null for any parameter, and arrays read-only. */
type ArgValue<T> = (T extends (infer E)[] ? readonly E[] : T) | null;

/**
 * What the function takes: its generated `Args` (the names, and which have a default), each of
 * which may be null (none: an empty object).
 */
export type DbFunctionArgs<F extends DbFunctionName> = [Functions[F]["Args"]] extends [never]
  ? Record<string, never>
  : { [K in keyof Functions[F]["Args"]]: ArgValue<Functions[F]["Args"][K]> };

const intervalSchema = z.nullable(z.enum(["day", "week", "month", "year"]));

/** billing.plan_price(price_id) (20261202075025_plan_changes.sql). */
const planPriceSchema = z.object({
  priceId: z.string(),
  productId: z.string(),
  productName: z.string(),
  unitAmount: z.nullable(z.number()),
  currency: z.string(),
  interval: intervalSchema,
  intervalCount: z.number(),
  features: z.array(z.string()),
  /** Active, recurring, of a Gatehouse catalog product with an amount and an interval. */
  sellable: z.boolean(),
});
export type PlanPriceRow = z.infer<typeof planPriceSchema>;

/** public.checkout_context (20261202081542_purchases.sql). */
const checkoutContextSchema = z.object({
  /** Null unless the price is an active catalog price of a product that grants an entitlement. */
  price: z.nullable(
    z.object({
      id: z.string(),
      productId: z.string(),
      entitlement: z.nullable(z.string()),
      interval: intervalSchema,
      currency: z.string(),
      unitAmount: z.nullable(z.number()),
      type: z.enum(["recurring", "one_time"]),
      /** The currencies it is sold in: its own first, then its currency_options. */
      currencies: z.array(z.string()),
      /** The catalog's trial, null when this user is not eligible for one. */
      trialPeriodDays: z.nullable(z.number()),
      catalogTrialDays: z.nullable(z.number()),
    }),
  ),
  /** False for a deleted user whose token has not expired yet: nothing may be created for them. */
  userExists: z.boolean(),
  customerId: z.nullable(z.string()),
  /** The Checkout Session this user last opened (open, paid or expired since). */
  openSessionId: z.nullable(z.string()),
  trialEligible: z.boolean(),
  hasAccess: z.boolean(),
  /** The best status among the user's subscriptions that are not over (past_due, unpaid, … included). */
  openSubscriptionStatus: z.nullable(z.string()),
  /** A paid one-time purchase (lifetime): its owner buys nothing more. */
  ownedPurchaseId: z.nullable(z.string()),
});
export type CheckoutContext = z.infer<typeof checkoutContextSchema>;

/** public.change_plan_context (20261202075025_plan_changes.sql). */
const changePlanContextSchema = z.object({
  customerId: z.nullable(z.string()),
  subscription: z.nullable(
    z.object({
      id: z.string(),
      status: z.string(),
      priceId: z.nullable(z.string()),
      currentPeriodStart: z.nullable(z.string()),
      currentPeriodEnd: z.nullable(z.string()),
      scheduleId: z.nullable(z.string()),
      scheduledPriceId: z.nullable(z.string()),
    }),
  ),
  current: z.nullable(planPriceSchema),
  target: z.nullable(planPriceSchema),
  /** The proration date of a preview of the same price in the last 30 minutes (epoch seconds). */
  previewProrationDate: z.nullable(z.number()),
});
export type ChangePlanContext = z.infer<typeof changePlanContextSchema>;

/** public.admin_overview (20261202081100_admin_console.sql). */
const adminOverviewSchema = z.object({
  mrr: z.array(z.object({ currency: z.string(), amount: z.number() })),
  byStatus: z.record(z.string(), z.number()),
  new30d: z.number(),
  churned30d: z.number(),
  trials30d: z.number(),
  trialsConverted30d: z.number(),
  ledger: z.object({ waiting: z.number(), failed: z.number(), deadLetter: z.number() }),
  customers: z.number(),
  at: z.string(),
});

/** One row of public.admin_customers (20261202081100_admin_console.sql). */
const customerListItemSchema = z.object({
  userId: z.string(),
  email: z.nullable(z.string()),
  createdAt: z.string(),
  customerId: z.nullable(z.string()),
  active: z.nullable(z.boolean()),
  status: z.nullable(z.string()),
  priceId: z.nullable(z.string()),
  features: z.nullable(z.array(z.string())),
  currentPeriodEnd: z.nullable(z.string()),
  isAdmin: z.boolean(),
});

const jsonObject = z.record(z.string(), z.unknown());
/** Any JSON value: what PostgREST parsed from the database's JSON is one by construction. */
const jsonValue = z.custom<Json>(() => true);

/** public.admin_customer, null for an unknown user (20261202081100_admin_console.sql). */
const customerPageSchema = z.object({
  user: z.object({ id: z.string(), email: z.nullable(z.string()), createdAt: z.string(), isAdmin: z.boolean() }),
  customerId: z.nullable(z.string()),
  /** Rows as stored (to_jsonb of the table's row), shown as they are. */
  entitlement: z.nullable(jsonObject),
  subscriptions: z.array(jsonObject),
  purchases: z.array(jsonObject),
  history: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      cause: z.string(),
      eventId: z.nullable(z.string()),
      actor: z.nullable(z.string()),
      before: z.nullable(jsonObject),
      after: jsonObject,
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      created: z.string(),
      receivedAt: z.string(),
      processedAt: z.nullable(z.string()),
      attempts: z.number(),
      lastError: z.nullable(z.string()),
    }),
  ),
});

/** public.doctor_compare, null for a customer of no user (20261202081100_admin_console.sql). */
const driftSchema = z.object({
  userId: z.string(),
  customerId: z.string(),
  fields: z.array(z.object({ field: z.string(), database: jsonValue, stripe: jsonValue })),
});

/** public.library_files (20261202071600_create_downloads_bucket.sql): size and type come from metadata. */
const libraryFileSchema = z.object({
  path: z.string(),
  feature: z.string(),
  name: z.string(),
  size: z.nullable(z.number()),
  mimetype: z.nullable(z.string()),
  updated_at: z.string(),
});

/**
 * The payload of an outbox email, billing.email_payload plus what each trigger adds
 * (20261202080121_email_outbox.sql, 20261202083537_email_release_and_receipts.sql): every field
 * optional. claim_emails returns it as jsonb; the sender checks each email's payload on its own,
 * so one malformed row fails that email, not the batch.
 */
export const emailPayloadSchema = z.object({
  planName: z.optional(z.nullable(z.string())),
  amount: z.optional(z.nullable(z.number())),
  currency: z.optional(z.nullable(z.string())),
  interval: z.optional(z.nullable(z.string())),
  currentPeriodEnd: z.optional(z.nullable(z.string())),
  cancelAt: z.optional(z.nullable(z.string())),
  trialEnd: z.optional(z.nullable(z.string())),
  endedAt: z.optional(z.nullable(z.string())),
  previousPlanName: z.optional(z.nullable(z.string())),
  previousAmount: z.optional(z.nullable(z.number())),
  previousCurrency: z.optional(z.nullable(z.string())),
  previousInterval: z.optional(z.nullable(z.string())),
  /** purchase_receipt */
  productName: z.optional(z.nullable(z.string())),
  receiptNumber: z.optional(z.nullable(z.string())),
  purchasedAt: z.optional(z.nullable(z.string())),
});
export type EmailPayload = z.infer<typeof emailPayloadSchema>;

/** A drift the doctor found: public.doctor_compare's result, kept in doctor_runs.drifted. */
export type Drift = z.infer<typeof driftSchema>;
/** public.doctor_runs.drifted (jsonb): the drifts found so far. */
export const doctorRunDriftsSchema = z.array(driftSchema);

/**
 * The functions whose result is more precise than the generated `Returns`, each checked on every
 * call. `satisfies` keeps the keys to real function names: a renamed function fails to compile.
 */
export const DB_FUNCTION_RESULTS = {
  checkout_context: checkoutContextSchema,
  change_plan_context: changePlanContextSchema,
  admin_overview: adminOverviewSchema,
  admin_customers: z.array(customerListItemSchema),
  admin_customer: z.nullable(customerPageSchema),
  doctor_compare: z.nullable(driftSchema),
  library_files: z.array(libraryFileSchema),
  /** Whether the token holds the user's checkout lease now, and the session recorded as open. */
  take_checkout_lease: z.object({ taken: z.boolean(), openSessionId: z.nullable(z.string()) }),
  /** Null when no live user has this email. */
  user_id_by_email: z.nullable(z.string()),
} satisfies { [F in DbFunctionName]?: z.ZodMiniType };

type Refined = typeof DB_FUNCTION_RESULTS;

/** What the function returns: its schema's output where it has one, else the generated `Returns`. */
export type DbFunctionResult<F extends DbFunctionName> = F extends keyof Refined
  ? z.infer<Refined[F]>
  : Functions[F]["Returns"];

const refined: Partial<Record<DbFunctionName, z.ZodMiniType>> = DB_FUNCTION_RESULTS;

/**
 * The result of `fn` as PostgREST returned it, checked against the function's schema where it has
 * one (a mismatch throws: the SQL and this file disagree, a bug to fix, never data to trust).
 * Functions without a schema are typed as generated from their SQL signature.
 */
export function parseDbFunctionResult<F extends DbFunctionName>(fn: F, data: unknown): DbFunctionResult<F> {
  const schema = refined[fn];
  // The one place the result's type is bridged: the schema above (or the generated signature)
  // is what `DbFunctionResult<F>` names, which TypeScript cannot follow through the lookup.
  return (schema ? schema.parse(data) : data) as DbFunctionResult<F>;
}

/**
 * A value for a `json`/`jsonb` argument or column. supabase-js sends the body through
 * `JSON.stringify`, so what the database receives is that value's JSON: a Stripe object (an
 * interface without an index signature, hence not assignable to `Json`) arrives as the JSON Stripe
 * sent. The one bridge from such objects to the generated `Json`; plain JSON needs none.
 */
export function jsonArg(value: object): Json {
  return value as Json;
}
