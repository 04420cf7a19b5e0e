// Completing a Checkout Session in `payment` mode: the buyer's address and tax ID, the tax, the
// payment intent and its charge, then `checkout.session.completed`.
import type Stripe from "stripe";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import type { RequestInfo } from "./events.ts";
import { getCustomer, newCustomer, saveCustomer } from "./resources/customers.ts";
import { createPayment } from "./resources/payments.ts";
import { priceIn, productIdOf } from "./resources/prices.ts";
import { behaviorOf, computeTax } from "./tax.ts";

export interface BuyerInput {
  card: string;
  email: string | null;
  name: string | null;
  address: Stripe.Address | null;
  taxId: string | null;
}

/** What the hosted page must collect: an address when tax or the session needs one. */
export function needsAddress(session: Stripe.Checkout.Session): boolean {
  return session.automatic_tax.enabled || session.billing_address_collection === "required";
}

/** The address Checkout uses: what the buyer entered, else the customer's own. */
export function buyerAddress(ctx: Ctx, session: Stripe.Checkout.Session, entered: Stripe.Address | null) {
  if (entered?.country) return entered;
  if (typeof session.customer === "string") return ctx.store.get("customer", session.customer)?.address ?? null;
  return null;
}

/**
 * The country Checkout preselects in the address form. Stripe guesses it from the buyer's IP; the
 * sandbox has no geolocation and uses the session's locale (fr → FR, de → DE, en-GB → GB, else US).
 */
export function preselectedCountry(session: Stripe.Checkout.Session): string {
  const locale = session.locale ?? "";
  if (locale.startsWith("fr")) return "FR";
  if (locale.startsWith("de")) return "DE";
  if (locale === "en-GB") return "GB";
  return "US";
}

/** The tax ID's Stripe type from its country (the sandbox knows EU VAT, GB VAT and US EIN). */
function taxIdType(value: string): Stripe.Checkout.Session.CustomerDetails.TaxId.Type {
  const v = value.toUpperCase();
  if (v.startsWith("GB")) return "gb_vat";
  if (/^[A-Z]{2}/.test(v)) return "eu_vat";
  return "us_ein";
}

export function completePaymentSession(
  ctx: Ctx,
  request: RequestInfo | null,
  session: Stripe.Checkout.Session,
  input: BuyerInput,
): Stripe.Checkout.Session {
  const state = ctx.store.get("session_state", session.id);
  if (!state) throw new StripeApiError(500, "api_error", `Checkout Session ${session.id} lost its line items.`);
  const address = buyerAddress(ctx, session, input.address);
  if (needsAddress(session) && !address?.country)
    throw new StripeApiError(400, "invalid_request_error", "A billing address (at least its country) is required.", {
      code: "parameter_missing",
      param: "address",
    });
  const email = session.customer_email ?? input.email ?? null;
  let customer: Stripe.Customer;
  if (typeof session.customer === "string") {
    customer = getCustomer(ctx, session.customer, "customer");
    const next: Stripe.Customer = {
      ...customer,
      email: customer.email ?? email,
      address: state.customerUpdate?.address && input.address?.country ? input.address : customer.address,
      name: state.customerUpdate?.name && input.name ? input.name : (customer.name ?? null),
    };
    customer = saveCustomer(ctx, request, customer, next);
  } else {
    customer = newCustomer(ctx, request, { email, name: input.name });
    if (address) customer = saveCustomer(ctx, request, customer, { ...customer, address });
  }
  const currency = session.currency ?? "eur";
  const country = session.automatic_tax.enabled ? (address?.country ?? null) : null;
  const lines = state.lineItems.flatMap((li) => {
    const price = ctx.store.get("price", li.price);
    if (!price) return [];
    const amount = priceIn(ctx, price, currency);
    const gross = (amount?.unitAmount ?? 0) * li.quantity;
    const tax = session.automatic_tax.enabled
      ? computeTax(gross, country, behaviorOf(amount?.taxBehavior))
      : { net: gross, tax: 0, total: gross, percentage: 0 };
    return [{ price, tax, name: ctx.store.get("product", productIdOf(price))?.name ?? null }];
  });
  const total = lines.reduce((s, l) => s + l.tax.total, 0);
  const amountTax = lines.reduce((s, l) => s + l.tax.tax, 0);
  const description = lines.map((l) => l.name ?? l.price.id).join(", ");
  const taxIds =
    state.taxIdCollection && input.taxId ? [{ type: taxIdType(input.taxId), value: input.taxId.toUpperCase() }] : [];
  const { intent, charge } = createPayment(ctx, request, {
    customer: customer.id,
    amount: total,
    currency,
    card: input.card,
    description,
    email: customer.email,
    metadata: state.paymentIntentMetadata ?? {},
    billing: { name: input.name ?? customer.name ?? null, address, taxId: taxIds[0]?.value ?? null },
  });
  ctx.store.put("payment_detail", {
    id: charge.id,
    session: session.id,
    description,
    subtotal: lines.reduce((s, l) => s + (l.tax.total - l.tax.tax), 0),
    tax: amountTax,
    taxPercentage: lines[0]?.tax.percentage ?? 0,
    country,
    locale: session.locale,
  });
  const completed: Stripe.Checkout.Session = {
    ...session,
    status: "complete",
    payment_status: "paid",
    customer: customer.id,
    customer_details: {
      address,
      business_name: null,
      email: customer.email,
      individual_name: null,
      name: input.name ?? customer.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: taxIds,
    },
    payment_intent: intent.id,
    amount_subtotal: total - amountTax,
    amount_total: total,
    automatic_tax: session.automatic_tax.enabled
      ? { ...session.automatic_tax, status: "complete" }
      : session.automatic_tax,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: amountTax },
    url: null,
  };
  ctx.store.put("checkout_session", completed);
  ctx.events.emit("checkout.session.completed", completed, request);
  return completed;
}
