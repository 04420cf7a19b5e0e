import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import {
  invalidEnum,
  invalidParameter,
  missingParameter,
  resourceMissing,
  StripeApiError,
  stateError,
} from "../errors.ts";
import type { RequestInfo } from "../events.ts";
import { expand } from "../expand.ts";
import { newId } from "../ids.ts";
import { type ApiList, listPage } from "../list.ts";
import { HOSTED_PAGE_LOCALES } from "../locales.ts";
import { mergeMetadata, Params, pageSpec } from "../params.ts";
import { behaviorOf, computeTax } from "../tax.ts";
import { getCustomer } from "./customers.ts";
import { checkCurrency, getPrice, priceIn } from "./prices.ts";

/** `customer_update[field]`: `auto` saves what Checkout collects on the customer, `never` (default) does not. */
function autoOrNever(update: Params | null, field: string): boolean {
  const v = update?.str(field) ?? null;
  if (v !== null && v !== "auto" && v !== "never") throw invalidEnum(`customer_update[${field}]`, ["auto", "never"]);
  return v === "auto";
}

/** Where Stripe's refusal of `invoice_creation` outside payment mode sends people. */
const POST_PAYMENT_INVOICES = "https://stripe.com/docs/payments/checkout/post-payment-invoices";

/**
 * `invoice_creation` (payment mode only): a post-payment invoice with what `invoice_data` gives.
 * A payment-mode session always carries the object (disabled by default), a subscription one null.
 */
function invoiceCreationOf(
  p: Params,
  mode: "payment" | "subscription",
): Stripe.Checkout.Session.InvoiceCreation | null {
  const raw = p.obj("invoice_creation");
  if (mode !== "payment") {
    if (raw)
      throw invalidParameter(
        "invoice_creation",
        `You can only enable invoice creation when \`mode\` is set to \`payment\`. Invoices are created automatically when \`mode\` is set to \`subscription\`, and are unsupported when set to \`setup\`. To learn more visit ${POST_PAYMENT_INVOICES}.`,
      );
    return null;
  }
  const enabled = raw ? raw.bool("enabled") : false;
  if (enabled === null) throw missingParameter("invoice_creation[enabled]");
  const data = raw?.obj("invoice_data") ?? null;
  if (data && !enabled)
    throw invalidParameter(
      "invoice_creation[invoice_data]",
      "`invoice_creation[invoice_data]` can only be used when `invoice_creation[enabled]` is true.",
    );
  const fields = data?.objects("custom_fields") ?? [];
  if (fields.length > 4)
    throw invalidParameter(
      "invoice_creation[invoice_data][custom_fields]",
      "An invoice can have at most 4 custom fields.",
    );
  const customFields = fields.map((f, i) => {
    const name = f.requireStr("name");
    const value = f.requireStr("value");
    if ([...name].length > 40)
      throw invalidParameter(
        `invoice_creation[invoice_data][custom_fields][${i}][name]`,
        "A custom field's name may be up to 40 characters.",
      );
    if ([...value].length > 140)
      throw invalidParameter(
        `invoice_creation[invoice_data][custom_fields][${i}][value]`,
        "A custom field's value may be up to 140 characters.",
      );
    return { name, value };
  });
  const display = data?.obj("rendering_options")?.str("amount_tax_display") ?? null;
  if (display !== null && display !== "exclude_tax" && display !== "include_inclusive_tax")
    throw invalidEnum("invoice_creation[invoice_data][rendering_options][amount_tax_display]", [
      "exclude_tax",
      "include_inclusive_tax",
    ]);
  const footer = data?.str("footer") ?? null;
  if (footer !== null && [...footer].length > 5000)
    throw invalidParameter("invoice_creation[invoice_data][footer]", "The footer may be up to 5000 characters.");
  return {
    enabled,
    invoice_data: {
      account_tax_ids: null,
      custom_fields: customFields.length ? customFields : null,
      description: data?.str("description") ?? null,
      footer,
      issuer: enabled ? { type: "self" } : null,
      metadata: mergeMetadata({}, data?.map("metadata") ?? null),
      rendering_options: display ? { amount_tax_display: display, template: null } : null,
    },
  };
}

/** Checkout's locales (the pages themselves speak English and French; others fall back to English). */
const locales: readonly Stripe.Checkout.Session.Locale[] = [...HOSTED_PAGE_LOCALES, "hi-IN"];

export function getSession(ctx: Ctx, id: string, param = "session"): Stripe.Checkout.Session {
  const s = ctx.store.get("checkout_session", id);
  if (!s) throw resourceMissing("checkout.session", id, param);
  return s;
}

/** `ui_mode` values of the pinned API version; the stand-in serves the hosted page only. */
const uiModes = [
  "elements",
  "embedded_page",
  "form",
  "hosted_page",
] as const satisfies readonly Stripe.Checkout.SessionCreateParams.UiMode[];

function uiModeOf(p: Params): "hosted_page" {
  const mode = p.str("ui_mode") ?? "hosted_page";
  if (mode === "hosted_page") return mode;
  if (uiModes.some((m) => m === mode))
    throw invalidParameter("ui_mode", `The stand-in only implements ui_mode=hosted_page (got ui_mode=${mode}).`);
  throw invalidEnum("ui_mode", uiModes);
}

/** Stripe's Checkout Session lifetime bounds: 30 minutes to 24 hours. */
const MIN_LIFETIME = 30 * 60;
const MAX_LIFETIME = 24 * 60 * 60;

function create(ctx: Ctx, req: ApiRequest): Stripe.Checkout.Session {
  const p = new Params(req.params, {
    mode: "s",
    line_items: [{ price: "s", quantity: "s" }],
    customer: "s",
    customer_email: "s",
    client_reference_id: "s",
    subscription_data: {
      metadata: "map",
      trial_period_days: "s",
      trial_from_plan: "s",
      description: "s",
      trial_settings: { end_behavior: { missing_payment_method: "s" } },
    },
    payment_method_collection: "s",
    success_url: "s",
    cancel_url: "s",
    allow_promotion_codes: "s",
    locale: "s",
    metadata: "map",
    expires_at: "s",
    automatic_tax: { enabled: "s" },
    payment_method_types: "list",
    billing_address_collection: "s",
    ui_mode: "s",
    expand: "list",
    currency: "s",
    customer_update: { address: "s", name: "s", shipping: "s" },
    tax_id_collection: { enabled: "s", required: "s" },
    payment_intent_data: { metadata: "map", description: "s" },
    customer_creation: "s",
    invoice_creation: {
      enabled: "s",
      invoice_data: {
        description: "s",
        footer: "s",
        metadata: "map",
        custom_fields: [{ name: "s", value: "s" }],
        rendering_options: { amount_tax_display: "s" },
      },
    },
  });
  const uiMode = uiModeOf(p);
  const rawMode = p.requireStr("mode");
  const mode = rawMode === "subscription" || rawMode === "payment" ? rawMode : null;
  if (rawMode === "setup")
    throw invalidParameter("mode", "The stand-in implements mode=subscription and mode=payment (got mode=setup).");
  if (!mode) throw invalidEnum("mode", ["payment", "setup", "subscription"]);
  if (mode === "payment" && p.has("subscription_data"))
    throw invalidParameter("subscription_data", "You can not pass `subscription_data` in `payment` mode.");
  if (mode === "subscription" && p.has("payment_intent_data"))
    throw invalidParameter("payment_intent_data", "You can not pass `payment_intent_data` in `subscription` mode.");
  if (mode === "subscription" && p.has("customer_creation"))
    throw invalidParameter("customer_creation", "`customer_creation` can only be used in `payment` mode.");
  const customerId = p.str("customer");
  const customerEmail = p.str("customer_email");
  if (customerId && customerEmail)
    throw invalidParameter("customer_email", "You may only specify one of these parameters: customer, customer_email.");
  const existing = customerId ? getCustomer(ctx, customerId, "customer") : null;
  const customerUpdate = p.obj("customer_update");
  if (customerUpdate && !customerId)
    throw invalidParameter("customer_update", "`customer_update` can only be used with `customer`.");
  const updateAddress = autoOrNever(customerUpdate, "address");
  const updateName = autoOrNever(customerUpdate, "name");
  autoOrNever(customerUpdate, "shipping");
  const automaticTax = p.obj("automatic_tax")?.bool("enabled") ?? false;
  if (automaticTax && existing && !existing.address?.country && !updateAddress)
    throw invalidParameter(
      "customer_update[address]",
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
    );
  const billingCollection = p.str("billing_address_collection");
  if (billingCollection !== null && billingCollection !== "auto" && billingCollection !== "required")
    throw invalidEnum("billing_address_collection", ["auto", "required"]);
  const taxIdCollection = p.obj("tax_id_collection")?.bool("enabled") ?? false;
  // What Checkout collects is saved on the customer: an existing one's business name may change.
  if (taxIdCollection && existing && !updateName)
    throw new StripeApiError(
      400,
      "invalid_request_error",
      "Tax ID collection requires updating business name on the customer. To enable tax ID collection for an existing customer, please set `customer_update[name]` to `auto`.",
    );
  const invoiceCreation = invoiceCreationOf(p, mode);
  const rawCreation = p.str("customer_creation");
  if (rawCreation !== null && rawCreation !== "always" && rawCreation !== "if_required")
    throw invalidEnum("customer_creation", ["always", "if_required"]);
  if (rawCreation && customerId)
    throw invalidParameter(
      "customer_creation",
      "You may only specify one of these parameters: customer, customer_creation.",
    );
  const successUrl = p.requireStr("success_url");
  const items = p.objects("line_items");
  if (items.length === 0) throw missingParameter("line_items");
  const rawCurrency = p.str("currency");
  const chosenCurrency = rawCurrency === null ? null : checkCurrency(rawCurrency, "currency");
  const lineItems = items.map((li, i) => {
    const price = getPrice(ctx, li.str("price") ?? "", `line_items[${i}][price]`);
    if (mode === "subscription" && !price.recurring)
      throw invalidParameter(
        `line_items[${i}][price]`,
        "You must provide at least one recurring price in `subscription` mode when using prices.",
      );
    if (mode === "payment" && price.recurring)
      throw invalidParameter(
        `line_items[${i}][price]`,
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      );
    if (!price.active) throw invalidParameter(`line_items[${i}][price]`, `The price \`${price.id}\` is not active.`);
    const quantity = li.int("quantity") ?? 1;
    if (quantity < 1) throw invalidParameter(`line_items[${i}][quantity]`, "Quantity must be at least 1.");
    const currency = chosenCurrency ?? price.currency;
    const amount = priceIn(ctx, price, currency);
    if (!amount)
      throw invalidParameter(
        "currency",
        `The price \`${price.id}\` has no \`currency_options\` for \`${currency}\`: use one of ${[price.currency, ...Object.keys(ctx.store.get("price_options", price.id)?.options ?? {})].join(", ")}.`,
      );
    return { price, quantity, unitAmount: amount.unitAmount, taxBehavior: amount.taxBehavior };
  });
  const sessionCurrency = chosenCurrency ?? lineItems[0]?.price.currency ?? null;
  if (lineItems.some((li) => chosenCurrency === null && li.price.currency !== sessionCurrency))
    throw invalidParameter("line_items", "All prices in a Checkout Session must have the same currency.");
  const locale = p.str("locale");
  const matchedLocale = locale === null ? null : locales.find((l) => l === locale);
  if (locale !== null && !matchedLocale) throw invalidParameter("locale", `Invalid locale: ${locale}`);
  const now = ctx.clock.now();
  const expiresAt = p.int("expires_at") ?? now + MAX_LIFETIME;
  if (expiresAt < now + MIN_LIFETIME || expiresAt > now + MAX_LIFETIME)
    throw invalidParameter(
      "expires_at",
      "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
    );
  const subData = p.obj("subscription_data");
  const trialDays = subData?.int("trial_period_days") ?? null;
  if (trialDays !== null && (trialDays < 1 || trialDays > 730))
    throw invalidParameter("subscription_data[trial_period_days]", "trial_period_days must be between 1 and 730.");
  const rawCollection = p.str("payment_method_collection");
  if (rawCollection !== null && rawCollection !== "always" && rawCollection !== "if_required")
    throw invalidParameter(
      "payment_method_collection",
      `Invalid payment_method_collection: must be one of always, if_required (got ${rawCollection}).`,
    );
  const paymentMethodCollection = rawCollection === "if_required" ? "if_required" : "always";
  const rawMissing = subData?.obj("trial_settings")?.obj("end_behavior")?.str("missing_payment_method") ?? null;
  const missingPaymentMethod = (["cancel", "pause", "create_invoice"] as const).find((x) => x === rawMissing);
  if (rawMissing !== null && !missingPaymentMethod)
    throw invalidParameter(
      "subscription_data[trial_settings][end_behavior][missing_payment_method]",
      `Invalid missing_payment_method: must be one of cancel, pause, create_invoice (got ${rawMissing}).`,
    );
  const id = newId("cs_test", 58);
  const subtotal = lineItems.reduce((s, li) => s + li.unitAmount * li.quantity, 0);
  // With a known address, Stripe Tax computes the tax at once; otherwise when the buyer enters it.
  const country = automaticTax ? (existing?.address?.country ?? null) : null;
  const taxes = lineItems.map((li) => computeTax(li.unitAmount * li.quantity, country, behaviorOf(li.taxBehavior)));
  const amountTax = taxes.reduce((s, t) => s + t.tax, 0);
  const total = taxes.reduce((s, t) => s + t.total, 0);
  const netSubtotal = taxes.reduce((s, t) => s + (t.total - t.tax), 0);
  const session: Stripe.Checkout.Session = {
    id,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: p.bool("allow_promotion_codes"),
    allowed_payment_method_types: null,
    amount_subtotal: automaticTax ? netSubtotal : subtotal,
    amount_total: automaticTax ? total : subtotal,
    automatic_tax: {
      enabled: automaticTax,
      liability: automaticTax ? { type: "self" } : null,
      provider: automaticTax ? "stripe" : null,
      status: automaticTax ? (country ? "complete" : "requires_location_inputs") : null,
    },
    billing_address_collection:
      billingCollection === "required" ? "required" : billingCollection === "auto" ? "auto" : null,
    cancel_url: p.str("cancel_url"),
    client_reference_id: p.str("client_reference_id"),
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: sessionCurrency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customerId,
    customer_account: null,
    customer_creation: customerId ? null : rawCreation === "if_required" ? "if_required" : "always",
    customer_details: customerEmail
      ? {
          address: null,
          business_name: null,
          email: customerEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: null,
        }
      : null,
    customer_email: customerEmail,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: invoiceCreation,
    livemode: false,
    locale: matchedLocale ?? null,
    managed_payments: null,
    metadata: mergeMetadata({}, p.map("metadata")),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === "subscription" ? paymentMethodCollection : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: p.list("payment_method_types").length ? p.list("payment_method_types") : ["card"],
    payment_status: "unpaid",
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    tax_id_collection: { enabled: taxIdCollection, required: "never" },
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: automaticTax ? amountTax : 0 },
    ui_mode: uiMode,
    url: `${ctx.baseUrl}/checkout/${id}`,
    wallet_options: null,
  };
  ctx.store.put("checkout_session", session);
  ctx.store.put("session_state", {
    id,
    lineItems: lineItems.map((li) => ({ price: li.price.id, quantity: li.quantity })),
    subscriptionMetadata: mergeMetadata({}, subData?.map("metadata") ?? null),
    trialPeriodDays: trialDays,
    ...(missingPaymentMethod ? { missingPaymentMethod } : {}),
    // Stripe applies a price's own recurring.trial_period_days only with trial_from_plan=true.
    trialFromPlan: subData?.bool("trial_from_plan") ?? false,
    ...(mode === "payment"
      ? { paymentIntentMetadata: mergeMetadata({}, p.obj("payment_intent_data")?.map("metadata") ?? null) }
      : {}),
    customerUpdate: { address: updateAddress, name: updateName },
  });
  return expand(ctx.store, session, p.list("expand"));
}

/** Marks an open session expired and emits `checkout.session.expired`. */
export function expireSession(ctx: Ctx, request: RequestInfo | null, session: Stripe.Checkout.Session) {
  const expired: Stripe.Checkout.Session = { ...session, status: "expired", url: null };
  ctx.store.put("checkout_session", expired);
  ctx.events.emit("checkout.session.expired", expired, request);
  return expired;
}

export function sessionLineItems(ctx: Ctx, session: Stripe.Checkout.Session): ApiList<Stripe.LineItem> {
  const state = ctx.store.get("session_state", session.id);
  const data: Stripe.LineItem[] = (state?.lineItems ?? []).flatMap((li) => {
    const price = ctx.store.get("price", li.price);
    if (!price) return [];
    const currency = session.currency ?? price.currency;
    const inCurrency = priceIn(ctx, price, currency);
    const gross = (inCurrency?.unitAmount ?? price.unit_amount ?? 0) * li.quantity;
    const country = session.automatic_tax.enabled ? (session.customer_details?.address?.country ?? null) : null;
    const tax = session.automatic_tax.enabled
      ? computeTax(gross, country, behaviorOf(inCurrency?.taxBehavior))
      : { tax: 0, total: gross };
    const product = typeof price.product === "string" ? price.product : price.product.id;
    return [
      {
        id: `li_${session.id.slice(8, 32)}${li.price.slice(-4)}`,
        object: "item",
        adjustable_quantity: null,
        amount_discount: 0,
        amount_subtotal: tax.total - tax.tax,
        amount_tax: tax.tax,
        amount_total: tax.total,
        currency,
        description: ctx.store.get("product", product)?.name ?? null,
        metadata: {},
        price,
        quantity: li.quantity,
      },
    ];
  });
  return { object: "list", data, has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` };
}

export const checkoutSessionRoutes: Route[] = [
  route.post("/checkout/sessions", (ctx, req) => create(ctx, req)),
  route.get("/checkout/sessions/:id", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    const session = getSession(ctx, id);
    const paths = p.list("expand");
    const withItems = paths.includes("line_items")
      ? { ...session, line_items: sessionLineItems(ctx, session) }
      : session;
    return expand(
      ctx.store,
      withItems,
      paths.filter((x) => x !== "line_items"),
    );
  }),
  route.get("/checkout/sessions/:id/line_items", (ctx, req, [id = ""]) => {
    new Params(req.params, pageSpec);
    return sessionLineItems(ctx, getSession(ctx, id));
  }),
  route.post("/checkout/sessions/:id/expire", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, { expand: "list" });
    const session = getSession(ctx, id);
    if (session.status !== "open")
      throw new StripeApiError(
        400,
        "invalid_request_error",
        `Only Checkout Sessions with a status of \`open\` can be expired. This session has a status of \`${session.status}\`.`,
        { param: "session" },
      );
    return expand(ctx.store, expireSession(ctx, req.request, session), p.list("expand"));
  }),
  route.get("/checkout/sessions", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, customer: "s", status: "s", subscription: "s" });
    const customer = p.str("customer");
    const status = p.str("status");
    if (status && !["open", "complete", "expired"].includes(status))
      throw stateError(`Invalid status: ${status}`, "status");
    const subscription = p.str("subscription");
    const page = listPage(
      ctx.store.ids("checkout_session"),
      (id) => ctx.store.get("checkout_session", id),
      (s) =>
        (customer === null || s.customer === customer) &&
        (status === null || s.status === status) &&
        (subscription === null || s.subscription === subscription),
      p,
      "/v1/checkout/sessions",
    );
    const paths = p.list("expand");
    const withItems = paths.includes("data.line_items")
      ? { ...page, data: page.data.map((x) => ({ ...x, line_items: sessionLineItems(ctx, x) })) }
      : page;
    return expand(
      ctx.store,
      withItems,
      paths.filter((x) => x !== "data.line_items"),
    );
  }),
];
