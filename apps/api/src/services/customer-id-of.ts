import { selectOne } from "./call-rpc.ts";
import type { Services } from "./services.ts";

/** The Stripe customer bound to a user (bind_customer), or null before their first checkout. */
export async function customerIdOf(s: Services, userId: string): Promise<string | null> {
  const row = await selectOne(s.db, "customers", ["stripe_customer_id"], "user_id", userId);
  return row?.stripe_customer_id ?? null;
}
