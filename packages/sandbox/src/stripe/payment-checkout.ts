// Completing a Checkout Session in `payment` mode: the buyer's address and tax ID, the tax, the
// payment intent and its charge, the post-payment invoice (`invoice_creation`), then
// `checkout.session.completed`.
import type Stripe from "stripe";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import type { RequestInfo } from "./events.ts";
import { getCustomer, newCustomer, saveCustomer } from "./resources/customers.ts";
import { chargeInvoice, newPaymentInvoice } from "./resources/invoices.ts";
import { createPayment } from "./resources/payments.ts";
import { priceIn, productIdOf } from "./resources/prices.ts";
import { checkoutTaxIdOf, createTaxId, taxIdsOf } from "./resources/tax-ids.ts";
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

/**
 * Does the hosted page ask for a tax ID? With `tax_id_collection`, unless the customer already has
 * one: Checkout collects tax IDs only from customers without any.
 */
export function collectsTaxId(ctx: Ctx, session: Stripe.Checkout.Session): boolean {
  if (!session.tax_id_collection?.enabled) return false;
  return typeof session.customer !== "string" || taxIdsOf(ctx, session.customer).length === 0;
}

export type EnteredTaxId = NonNullable<ReturnType<typeof checkoutTaxIdOf>>;

/** The tax ID the buyer entered, checked (400 `tax_id_invalid`); null when none is collected. */
export function enteredTaxId(ctx: Ctx, session: Stripe.Checkout.Session, raw: string | null): EnteredTaxId | null {
  if (!raw?.trim() || !collectsTaxId(ctx, session)) return null;
  const taxId = checkoutTaxIdOf(raw);
  if (!taxId)
    throw new StripeApiError(400, "invalid_request_error", `Invalid tax ID: ${raw.trim()}.`, {
      code: "tax_id_invalid",
      param: "tax_id",
    });
  return taxId;
}

/**
 * Saves the entered tax ID on the customer (a `tax_id`, `customer.tax_id.created`) and answers the
 * customer's tax IDs as the completed session's `customer_details.tax_ids` lists them.
 */
export function saveCheckoutTaxId(
  ctx: Ctx,
  request: RequestInfo | null,
  customerId: string,
  taxId: EnteredTaxId | null,
): Stripe.Checkout.Session.CustomerDetails.TaxId[] {
  if (taxId) createTaxId(ctx, request, customerId, taxId.type, taxId.value);
  return taxIdsOf(ctx, customerId).map((t) => ({ type: t.type, value: t.value }));
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
  const taxId = enteredTaxId(ctx, session, input.taxId);
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
    const behavior = behaviorOf(amount?.taxBehavior);
    const tax = session.automatic_tax.enabled
      ? computeTax(gross, country, behavior)
      : { net: gross, tax: 0, total: gross, percentage: 0 };
    const name = ctx.store.get("product", productIdOf(price))?.name ?? null;
    return [{ price, quantity: li.quantity, gross, tax, behavior, name }];
  });
  const total = lines.reduce((s, l) => s + l.tax.total, 0);
  const amountTax = lines.reduce((s, l) => s + l.tax.tax, 0);
  const description = lines.map((l) => l.name ?? l.price.id).join(", ");
  const taxIds = saveCheckoutTaxId(ctx, request, customer.id, taxId);
  const { intent, charge } = createPayment(ctx, request, {
    customer: customer.id,
    amount: total,
    currency,
    card: input.card,
    description,
    email: customer.email,
    metadata: state.paymentIntentMetadata ?? {},
    billing: { name: input.name ?? customer.name ?? null, address, taxId: taxId?.value ?? null },
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
  // Checkout's post-payment invoice: made and paid once the payment succeeded, before the session completes.
  const invoiceData = session.invoice_creation?.enabled ? session.invoice_creation.invoice_data : null;
  const invoice = invoiceData
    ? chargeInvoice(
        ctx,
        request,
        newPaymentInvoice(ctx, {
          customer: getCustomer(ctx, customer.id, "customer"),
          currency,
          lines: lines.map((l) => ({
            price: l.price,
            quantity: l.quantity,
            amount: l.gross,
            description: `${l.quantity} × ${l.name ?? l.price.id}`,
            tax: l.tax,
            behavior: l.behavior,
          })),
          automaticTax: session.automatic_tax.enabled,
          country,
          data: invoiceData,
        }),
      )
    : null;
  const completed: Stripe.Checkout.Session = {
    ...session,
    status: "complete",
    payment_status: "paid",
    customer: customer.id,
    invoice: invoice?.id ?? null,
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
