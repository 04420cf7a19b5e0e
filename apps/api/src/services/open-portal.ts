import type { Locale, PortalResponse } from "@gatehouse/types";
import type { AuthUser } from "../context.ts";
import { ApiError, UpstreamError } from "../errors.ts";
import { isOutage } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { stripeCall } from "./stripe-errors.ts";

export async function customerIdOf(s: Services, userId: string): Promise<string | null> {
  const { data, error, status } = await s.db
    .from("customers")
    .select("stripe_customer_id")
    .eq("user_id", userId)
    .maybeSingle();
  if (error) {
    if (isOutage(error, status)) throw new UpstreamError("supabase", error.message);
    throw new Error(`customers lookup failed: ${error.message}`);
  }
  return (data as { stripe_customer_id: string } | null)?.stripe_customer_id ?? null;
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
