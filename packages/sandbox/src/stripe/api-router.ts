import type { Route } from "./context.ts";
import { invalidUrl } from "./errors.ts";
import { billingPortalRoutes } from "./resources/billing-portal.ts";
import { checkoutSessionRoutes } from "./resources/checkout-sessions.ts";
import { customerRoutes } from "./resources/customers.ts";
import { entitlementRoutes } from "./resources/entitlements.ts";
import { eventRoutes } from "./resources/events.ts";
import { invoiceRoutes } from "./resources/invoices.ts";
import { paymentRoutes } from "./resources/payments.ts";
import { priceRoutes } from "./resources/prices.ts";
import { productRoutes } from "./resources/products.ts";
import { subscriptionScheduleRoutes } from "./resources/subscription-schedules.ts";
import { subscriptionRoutes } from "./resources/subscriptions.ts";
import { webhookEndpointRoutes } from "./resources/webhook-endpoints.ts";

/** Every `/v1` endpoint the stand-in implements; anything else is refused with 404 invalid_request_error. */
export const apiRoutes: Route[] = [
  ...productRoutes,
  ...entitlementRoutes,
  ...priceRoutes,
  ...customerRoutes,
  ...checkoutSessionRoutes,
  ...subscriptionRoutes,
  ...subscriptionScheduleRoutes,
  ...invoiceRoutes,
  ...billingPortalRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...paymentRoutes,
];

/** Decodes one path segment (an object id); a malformed `%` escape is a 400, never a crash. */
export function decodePathSegment(method: string, path: string, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidUrl(method, path);
  }
}

export function matchRoute(method: string, path: string): { route: Route; args: string[] } | null {
  for (const route of apiRoutes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, args: m.slice(1).map((a) => decodePathSegment(method, path, a)) };
  }
  return null;
}
