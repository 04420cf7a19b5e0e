import { SignJWT } from "jose";
import { describe, expect, inject, test } from "vitest";
import { NO_ENTITLEMENT_VIEW } from "../src/services/entitlement-view.ts";
import { api, createUser, urls } from "./helpers.ts";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("GET /api/me", () => {
  test("returns the signed-in user and an inactive entitlement before any payment", async () => {
    const user = await createUser();
    const res = await api("/api/me", { token: user.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user: { id: user.id, email: user.email, role: null },
      // Every field of the view, each saying "nothing" (typed against EntitlementView).
      entitlement: NO_ENTITLEMENT_VIEW,
      trialEligible: true,
    });
  });

  test("reports no access once the stored end of access (past-due grace) has passed, before any re-sync", async () => {
    const user = await createUser();
    const secret = inject("supabaseSecretKey");
    const write = await fetch(`${urls.supabase}/rest/v1/entitlements`, {
      method: "POST",
      headers: { apikey: secret, authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        user_id: user.id,
        active: true,
        entitlement: "pro",
        status: "past_due",
        access_ends_at: new Date(Date.now() - 60_000).toISOString(),
      }),
    });
    expect(write.status).toBe(201);
    const res = await api("/api/me", { token: user.token });
    const body = (await res.json()) as { entitlement: { active: boolean; status: string } };
    expect(body.entitlement).toMatchObject({ active: false, status: "past_due" });
  });

  test("returns 401 without a Supabase session", async () => {
    const res = await api("/api/me");
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("unauthenticated");
  });

  test("returns 401 for a malformed token", async () => {
    const res = await api("/api/me", { token: "not-a-jwt" });
    expect(res.status).toBe(401);
  });

  test("returns 401 for a token signed with another key", async () => {
    const user = await createUser();
    const [, payload] = user.token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const privateKey = pair.privateKey;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "forged" }).sign(privateKey);
    expect((await api("/api/me", { token: forged })).status).toBe(401);
  });

  test("returns 401 for an unsigned token (alg none)", async () => {
    const user = await createUser();
    const [, payload] = user.token.split(".");
    const header = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
    expect((await api("/api/me", { token: `${header}.${payload}.` })).status).toBe(401);
  });

  test("returns 401 for an HS256 token when the project has no legacy secret", async () => {
    const token = await new SignJWT({ sub: crypto.randomUUID(), role: "authenticated", aud: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("x".repeat(40)));
    expect((await api("/api/me", { token })).status).toBe(401);
  });

  test("returns 401 for the publishable or secret key used as a token", async () => {
    expect((await api("/api/me", { token: "sb_publishable_SANDBOX-ONLY-not-a-real-key-0000" })).status).toBe(401);
    expect((await api("/api/me", { token: "sb_secret_SANDBOX-ONLY-not-a-real-key-00000000" })).status).toBe(401);
  });
});
