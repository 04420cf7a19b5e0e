import type { Locale, PortalResponse } from "@gatehouse/types";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { customerIdOf } from "./customer-id-of.ts";
import type { Services } from "./services.ts";
import { stripeCall } from "./stripe-errors.ts";

export async function openPortal(s: Services, user: AuthUser, locale?: Locale): Promise<PortalResponse> {
  const customer = await customerIdOf(s, user.id);
  if (!customer) throw new ApiError("no_customer", "No billing account yet: subscribe to a plan first");
  const session = await stripeCall("billingPortal.sessions.create", () =>
    s.stripe.billingPortal.sessions.create({
      customer,
      return_url: `${s.config.APP_URL}/account`,
      ...(locale ? { locale } : {}),
    }),
  );
  return { url: session.url };
}
