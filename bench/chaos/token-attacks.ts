// Access attacks with access tokens signed by the project's own key (as someone holding a leaked
// service token, or a token minted without exp, would have): the API accepts only Supabase Auth's
// own access tokens (exp, sub, role authenticated, iss <SUPABASE_URL>/auth/v1, aud authenticated),
// and a deleted user's still-valid token opens nothing and creates no Stripe customer.
import { createPrivateKey, sign } from "node:crypto";
import { api, type ChaosContext, createUser } from "./context.ts";

export interface TokenOutcome {
  name: string;
  success: boolean;
  detail: string;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

export async function tokenAttacks(ctx: ChaosContext, notes: string[]): Promise<TokenOutcome[]> {
  const outcomes: TokenOutcome[] = [];
  // The Supabase stand-in's ES256 key, straight from its table (the attacker "has the project's key").
  const { rows } = await ctx.db.query<{ kid: string; private_jwk: Record<string, unknown> }>(
    "select kid, private_jwk from auth.standin_signing_keys limit 1",
  );
  const row = rows[0];
  if (!row) {
    notes.push("token attacks skipped: no signing key in auth.standin_signing_keys");
    return outcomes;
  }
  const key = createPrivateKey({ key: row.private_jwk as never, format: "jwk" });
  const mint = (claims: Record<string, unknown>) => {
    const data = `${b64url(JSON.stringify({ alg: "ES256", kid: row.kid, typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
    return `${data}.${sign("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  };

  const user = await createUser(ctx, "claims");
  const real = claimsOf(user.token);
  const now = Math.floor(Date.now() / 1000);
  const good = { ...real, iat: now, exp: now + 3600 };
  const without = (k: string) => Object.fromEntries(Object.entries(good).filter(([name]) => name !== k));
  // Control: the same claims, re-signed, must work (else every "refused" below proves nothing).
  const control = await api(ctx, "/api/me", { token: mint(good) });
  if (control.status !== 200) notes.push(`control failed: a re-signed valid token got ${control.status}`);

  const cases: Array<[string, Record<string, unknown>]> = [
    ["a token without exp", without("exp")],
    ["a token without iss", without("iss")],
    ["a token from another project's issuer", { ...good, iss: "https://attacker-project.supabase.co/auth/v1" }],
    ["a token without aud", without("aud")],
    ["a token for another audience", { ...good, aud: "service" }],
    ["a token without role", without("role")],
    ["a token with role service_role", { ...good, role: "service_role" }],
    ["a token with role anon", { ...good, role: "anon" }],
    ["a token without sub", without("sub")],
    ["a token expired an hour ago", { ...good, exp: now - 3600 }],
  ];
  for (const [label, claims] of cases) {
    const res = await api(ctx, "/api/me", { token: mint(claims) });
    outcomes.push({ name: `API: ${label} (signed with the project's key)`, success: res.ok, detail: `${res.status}` });
  }

  // A deleted user's token, still within its hour: no checkout, no orphan Stripe customer.
  const doomed = await createUser(ctx, "deleted");
  const { secret } = ctx.stack.keys;
  const del = await fetch(`${ctx.stack.urls.supabase}/auth/v1/admin/users/${doomed.id}`, {
    method: "DELETE",
    headers: { apikey: secret, authorization: `Bearer ${secret}` },
  });
  if (!del.ok) notes.push(`control failed: could not delete a user (${del.status})`);
  const checkout = await api(ctx, "/api/checkout", {
    method: "POST",
    token: doomed.token,
    json: { priceId: ctx.stack.prices.monthly },
  });
  outcomes.push({
    name: "API: a deleted user's token opens a checkout",
    success: checkout.ok,
    detail: `${checkout.status}`,
  });
  const orphans = await ctx.stripe.customers.list({ email: doomed.email, limit: 10 });
  outcomes.push({
    name: "API: a deleted user's token leaves an orphan Stripe customer",
    success: orphans.data.length > 0,
    detail: `${orphans.data.length} customer(s) with ${doomed.email}`,
  });
  return outcomes;
}
