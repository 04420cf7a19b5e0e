// Issue 12 item 2: access tokens must be Supabase Auth's own (exp, sub, role "authenticated",
// iss <SUPABASE_URL>/auth/v1, aud "authenticated"), and a deleted user's token opens nothing.
import { importJWK, type JWTPayload, SignJWT } from "jose";
import { describe, expect, inject, test } from "vitest";
import { api, createUser, stripe, urls } from "./helpers.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** Signs claims with the project's own key, as Supabase Auth would, but with whatever claims we like. */
async function mint(claims: JWTPayload): Promise<string> {
  const jwk = JSON.parse(inject("jwtSigningJwk")) as { kid: string };
  const key = await importJWK(jwk, "ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" }).sign(key);
}

const nowS = () => Math.floor(Date.now() / 1000);
const good = (sub: string): JWTPayload => ({
  iss: `${urls.supabase}/auth/v1`,
  sub,
  aud: "authenticated",
  role: "authenticated",
  iat: nowS(),
  exp: nowS() + 3600,
  email: "",
});

describe("access token claims", () => {
  test("a token with Supabase Auth's claims, signed with the project's key, is accepted", async () => {
    const user = await createUser();
    expect((await api("/api/me", { token: await mint(good(user.id)) })).status).toBe(200);
  });

  test.each<[string, (c: JWTPayload) => JWTPayload]>([
    ["without exp", ({ exp: _exp, ...c }) => c],
    ["without iss", ({ iss: _iss, ...c }) => c],
    ["from another issuer", (c) => ({ ...c, iss: "https://other-project.supabase.co/auth/v1" })],
    ["without aud", ({ aud: _aud, ...c }) => c],
    ["for another audience", (c) => ({ ...c, aud: "service" })],
    ["without role", ({ role: _role, ...c }) => c],
    ["with role anon", (c) => ({ ...c, role: "anon" })],
    ["with role service_role", (c) => ({ ...c, role: "service_role" })],
    ["without sub", ({ sub: _sub, ...c }) => c],
    ["with a sub that is not a user id", (c) => ({ ...c, sub: "admin" })],
    ["expired", (c) => ({ ...c, exp: nowS() - 60 })],
  ])("a token %s is refused with 401", async (_label, change) => {
    const user = await createUser();
    const res = await api("/api/me", { token: await mint(change(good(user.id))) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("unauthenticated");
  });

  test("the stand-in's own session tokens name the API's SUPABASE_URL as issuer", async () => {
    const user = await createUser();
    const [, payload] = user.token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as JWTPayload;
    expect(claims.iss).toBe(`${urls.supabase}/auth/v1`);
  });
});

describe("a deleted user's token", () => {
  test("gets 401 on /api/checkout and creates no Stripe customer", async () => {
    const user = await createUser();
    const secret = inject("supabaseSecretKey");
    const deleted = await fetch(`${urls.supabase}/auth/v1/admin/users/${user.id}`, {
      method: "DELETE",
      headers: { apikey: secret, authorization: `Bearer ${secret}` },
    });
    expect(deleted.status).toBe(200);
    const res = await api("/api/checkout", {
      method: "POST",
      token: user.token,
      json: { priceId: inject("priceMonthly") },
    });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("unauthenticated");
    const customers = await stripe.customers.list({ email: user.email, limit: 10 });
    expect(customers.data).toEqual([]);
  });
});
