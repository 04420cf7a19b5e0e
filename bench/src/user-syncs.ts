// Success-page syncs during a storm: people who just paid, each calling POST /api/billing/sync
// {sessionId} while the queue consumer works through the backlog. Prepared before the storm
// (user, sign-in, checkout through the API, payment on the stand-in); fired during it.
import { randomUUID } from "node:crypto";
import type { BenchContext } from "./stack-context.ts";
import { control } from "./stand-in-controls.ts";

const PASSWORD = "bench user sync password";

export interface PreparedSync {
  userId: string;
  token: string;
  sessionId: string;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A signed-in user with a paid Checkout Session the API has not synced yet. */
export async function preparePaidSession(ctx: BenchContext): Promise<PreparedSync> {
  const { urls, keys, prices } = ctx.stack;
  const email = `user-sync-${randomUUID()}@bench.test`;
  const admin = { apikey: keys.secret, authorization: `Bearer ${keys.secret}`, "content-type": "application/json" };
  const user = await json<{ id: string }>(
    await fetch(`${urls.supabase}/auth/v1/admin/users`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ email, password: PASSWORD, email_confirm: true }),
    }),
    "admin/users",
  );
  const session = await json<{ access_token: string }>(
    await fetch(`${urls.supabase}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { apikey: keys.publishable, "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    }),
    "sign-in",
  );
  const checkout = await json<{ id: string }>(
    await fetch(`${urls.api}/api/checkout`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ priceId: prices.monthly }),
    }),
    "POST /api/checkout",
  );
  await control(urls.stripeDirect, `/_sandbox/checkout/sessions/${checkout.id}/complete`, { card: "4242424242424242" });
  return { userId: user.id, token: session.access_token, sessionId: checkout.id };
}

/** The success page's call; ms until the answer, and whether it unlocked. */
export async function successPageSync(ctx: BenchContext, p: PreparedSync): Promise<{ ms: number; active: boolean }> {
  const t0 = performance.now();
  const res = await fetch(`${ctx.stack.urls.api}/api/billing/sync`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json" },
    body: JSON.stringify({ sessionId: p.sessionId }),
  });
  const body = (await res.json().catch(() => null)) as { entitlement?: { active?: boolean } } | null;
  return { ms: performance.now() - t0, active: res.ok && body?.entitlement?.active === true };
}
