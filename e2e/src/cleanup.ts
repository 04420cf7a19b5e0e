// What a spec created on the services, removed at its end: on the live lane these are a real Stripe
// test-mode account and a real Supabase project, so nothing may be left behind. The same code runs
// against the sandbox in `npm test`, where api-contract.spec.ts checks that it removes everything.
import Stripe from "stripe";
import { stackInfo } from "./stack-info.ts";

export interface Created {
  userId: string;
}

function stripe(): Stripe {
  const { urls, keys, target } = stackInfo();
  if (target === "live") return new Stripe(keys.stripe, { maxNetworkRetries: 2 });
  const url = new URL(urls.stripeDirect);
  return new Stripe(keys.stripe, {
    host: url.hostname,
    port: Number(url.port),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 2,
  });
}

async function admin(path: string, init: RequestInit = {}): Promise<Response> {
  const { urls, keys } = stackInfo();
  return fetch(`${urls.supabase}${path}`, {
    ...init,
    headers: { apikey: keys.secret, authorization: `Bearer ${keys.secret}`, "content-type": "application/json" },
  });
}

/** The Stripe customer Gatehouse made for the user, if it made one. */
export async function stripeCustomerOf(userId: string): Promise<string | null> {
  const res = await admin(`/rest/v1/customers?user_id=eq.${userId}&select=stripe_customer_id`);
  if (!res.ok) throw new Error(`customers of ${userId}: ${res.status} ${await res.text()}`);
  const rows = (await res.json()) as Array<{ stripe_customer_id: string }>;
  return rows[0]?.stripe_customer_id ?? null;
}

/**
 * Deletes the user's Stripe customer (Stripe cancels its subscriptions at once) and then the user
 * (the database's rows go with it, `on delete cascade`). Returns what it removed.
 */
export async function removeUser(userId: string): Promise<{ customer: string | null }> {
  const customer = await stripeCustomerOf(userId);
  if (customer) await stripe().customers.del(customer);
  const res = await admin(`/auth/v1/admin/users/${userId}`, { method: "DELETE" });
  if (!res.ok && res.status !== 404) throw new Error(`delete user ${userId}: ${res.status} ${await res.text()}`);
  return { customer };
}

/** Is the Stripe customer gone (Stripe answers a deleted customer as `{deleted: true}`)? */
export async function customerDeleted(id: string): Promise<boolean> {
  const c = await stripe().customers.retrieve(id);
  return "deleted" in c && c.deleted === true;
}

/** Does the Supabase user still exist? */
export async function userExists(userId: string): Promise<boolean> {
  const res = await admin(`/auth/v1/admin/users/${userId}`);
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`user ${userId}: ${res.status} ${await res.text()}`);
  return true;
}

/** Collects the users a spec creates and removes them all in afterAll, even after a failure. */
export class CreatedUsers {
  private readonly ids = new Set<string>();
  add(userId: string): void {
    this.ids.add(userId);
  }
  async removeAll(): Promise<void> {
    const failures: string[] = [];
    for (const id of this.ids) {
      try {
        await removeUser(id);
        this.ids.delete(id);
      } catch (e) {
        failures.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failures.length > 0) throw new Error(`could not clean up:\n${failures.join("\n")}`);
  }
}
