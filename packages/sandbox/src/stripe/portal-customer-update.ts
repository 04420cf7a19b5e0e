// The hosted portal's "Billing information": the customer edits their billing address and tax IDs,
// as Stripe's portal allows when the configuration says so (`features.customer_update.enabled`
// and `allowed_updates` with `address` / `tax_id`). Each edit goes through the same domain
// functions as the API: the customer is saved (`customer.updated` with `previous_attributes`),
// tax IDs are created or deleted (`customer.tax_id.created` / `.deleted`). A form the
// configuration does not allow is ignored, as a forged switch is.
import type Stripe from "stripe";
import type { Ctx } from "./context.ts";
import { StripeApiError } from "./errors.ts";
import { getCustomer, saveCustomer } from "./resources/customers.ts";
import { createTaxId, deleteTaxId } from "./resources/tax-ids.ts";

export const customerUpdateNotices = [
  "address_updated",
  "address_invalid",
  "tax_id_added",
  "tax_id_invalid",
  "tax_id_removed",
] as const;
export type CustomerUpdateNotice = (typeof customerUpdateNotices)[number];

/** The portal actions this module answers. */
export const customerUpdateActions = ["address", "tax_id_add", "tax_id_delete"] as const;
export type CustomerUpdateAction = (typeof customerUpdateActions)[number];

export function isCustomerUpdateAction(action: string): action is CustomerUpdateAction {
  return (customerUpdateActions as readonly string[]).includes(action);
}

/** May the portal edit this part of the customer under this configuration? */
export function portalMayUpdate(config: Stripe.BillingPortal.Configuration, what: "address" | "tax_id"): boolean {
  const cu = config.features.customer_update;
  return cu.enabled && cu.allowed_updates.includes(what);
}

function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/**
 * Applies one Billing information form of the portal to the session's customer; the notice the
 * page shows after it, or null when the configuration does not allow that edit (nothing changes).
 */
export function portalCustomerUpdate(
  ctx: Ctx,
  session: Stripe.BillingPortal.Session,
  config: Stripe.BillingPortal.Configuration,
  action: CustomerUpdateAction,
  form: Record<string, unknown>,
): CustomerUpdateNotice | null {
  const customer = getCustomer(ctx, session.customer, "customer");
  if (action === "address") {
    if (!portalMayUpdate(config, "address")) return null;
    const country = text(form.country)?.toUpperCase() ?? null;
    if (!country || !/^[A-Z]{2}$/.test(country)) return "address_invalid";
    const address: Stripe.Address = {
      city: text(form.city),
      country,
      line1: text(form.line1),
      line2: text(form.line2),
      postal_code: text(form.postalCode),
      state: text(form.state),
    };
    saveCustomer(ctx, null, customer, { ...customer, address });
    return "address_updated";
  }
  if (!portalMayUpdate(config, "tax_id")) return null;
  if (action === "tax_id_add") {
    try {
      createTaxId(ctx, null, customer.id, text(form.type) ?? "", text(form.value) ?? "");
      return "tax_id_added";
    } catch (e) {
      if (e instanceof StripeApiError && e.status === 400) return "tax_id_invalid";
      throw e;
    }
  }
  const id = text(form.taxId);
  const owned = id ? ctx.store.get("tax_id", id) : undefined;
  if (!id || owned?.customer !== customer.id) return null;
  deleteTaxId(ctx, null, customer.id, id);
  return "tax_id_removed";
}
