import type { Locale, PortalResponse } from "@gatehouse/types";
import type { AuthUser } from "../context.ts";
import { ApiError } from "../errors.ts";
import { selectOne } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { stripeCall } from "./stripe-errors.ts";

export async function customerIdOf(s: Services, userId: string): Promise<string | null> {
  const row = await selectOne<{ stripe_customer_id: string }>(
    s.db,
    "customers",
    "stripe_customer_id",
    "user_id",
    userId,
  );
  return row?.stripe_customer_id ?? null;
}

export async function openPortal(s: Services, user: AuthUser, locale?: Locale): Promise<PortalResponse> {
  const customer = await customerIdOf(s, user.id);
  if (!customer) throw new ApiError(404, "no_customer", "No billing account yet: subscribe to a plan first");
  const session = await stripeCall("billingPortal.sessions.create", () =>
    s.stripe.billingPortal.sessions.create({
      customer,
      return_url: `${s.config.APP_URL}/account`,
      ...(locale ? { locale } : {}),
    }),
  );
  return { url: session.url };
}
