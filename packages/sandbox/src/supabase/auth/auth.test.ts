import { randomUUID } from "node:crypto";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY } from "../../keys.ts";
import { startTestStandIn, type TestStandIn } from "../test-stand-in.ts";

// Real Postgres, real sockets: leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: TestStandIn;

beforeAll(async () => {
  sb = await startTestStandIn();
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

const newEmail = () => `a-${randomUUID()}@example.test`;

async function authFetch(path: string, init: RequestInit = {}) {
  return fetch(`${sb.url}/auth/v1${path}`, {
    ...init,
    headers: { apikey: SANDBOX_PUBLISHABLE_KEY, "Content-Type": "application/json", ...init.headers },
  });
}

describe("sign-up and password sign-in", () => {
  test("signs a new user up, auto-confirmed, and returns a session with Supabase's shape", async () => {
    const email = newEmail();
    const { data, error } = await sb
      .client()
      .auth.signUp({ email, password: "secret-pw", options: { data: { name: "Ada" } } });
    expect(error).toBeNull();
    const session = data.session;
    expect(session?.token_type).toBe("bearer");
    expect(session?.expires_in).toBe(3600);
    expect(session?.refresh_token).toMatch(/\S{10,}/);
    expect(data.user?.email).toBe(email);
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.user_metadata).toEqual({ name: "Ada" });
    expect(data.user?.app_metadata).toEqual({ provider: "email", providers: ["email"] });
  });

  test("refuses a second sign-up with the same email with user_already_exists", async () => {
    const email = newEmail();
    await sb.client().auth.signUp({ email, password: "secret-pw" });
    const { error } = await sb.client().auth.signUp({ email, password: "secret-pw" });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("user_already_exists");
  });

  test("refuses a password shorter than 6 characters with weak_password", async () => {
    const { error } = await sb.client().auth.signUp({ email: newEmail(), password: "12345" });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("weak_password");
    expect(error?.name).toBe("AuthWeakPasswordError");
  });

  test("stores the password as a salted scrypt hash, never in clear", async () => {
    const email = newEmail();
    await sb.client().auth.signUp({ email, password: "secret-pw" });
    await sb.client().auth.signUp({ email: `b${email}`, password: "secret-pw" });
    const { rows } = await sb.owner.query<{ encrypted_password: string }>(
      "select encrypted_password from auth.users where email in ($1, $2)",
      [email, `b${email}`],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.encrypted_password).toMatch(/^scrypt\$/);
    expect(rows[0]?.encrypted_password).not.toBe(rows[1]?.encrypted_password);
  });

  test("signs in with the right password and refuses a wrong one with invalid_credentials", async () => {
    const u = await sb.createUser();
    const ok = await sb.client().auth.signInWithPassword({ email: u.email, password: u.password });
    expect(ok.error).toBeNull();
    expect(ok.data.user?.id).toBe(u.id);
    const bad = await sb.client().auth.signInWithPassword({ email: u.email, password: "wrong-password" });
    expect(bad.error?.status).toBe(400);
    expect(bad.error?.code).toBe("invalid_credentials");
    expect(bad.error?.message).toBe("Invalid login credentials");
  });

  test("echoes X-Supabase-Api-Version and answers errors as {code, message}", async () => {
    const res = await authFetch("/token?grant_type=password", {
      method: "POST",
      headers: { "X-Supabase-Api-Version": "2024-01-01" },
      body: JSON.stringify({ email: newEmail(), password: "nope-nope" }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(await res.json()).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
  });
});

describe("access tokens", () => {
  test("carries Supabase's claims, signed ES256 with a kid", async () => {
    const u = await sb.createUser();
    const { data } = await sb.client().auth.signInWithPassword({ email: u.email, password: u.password });
    const token = data.session?.access_token ?? "";
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", typ: "JWT", kid: expect.any(String) });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${sb.url}/auth/v1/.well-known/jwks.json`)), {
      issuer: `${sb.url}/auth/v1`,
      audience: "authenticated",
    });
    expect(payload).toMatchObject({
      sub: u.id,
      aud: "authenticated",
      role: "authenticated",
      email: u.email,
      phone: "",
      aal: "aal1",
      is_anonymous: false,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      amr: [{ method: "password", timestamp: expect.any(Number) }],
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  test("getClaims() verifies the token locally against the JWKS", async () => {
    const u = await sb.createUser();
    const c = sb.client();
    await c.auth.signInWithPassword({ email: u.email, password: u.password });
    const { data, error } = await c.auth.getClaims();
    expect(error).toBeNull();
    expect(data?.claims.sub).toBe(u.id);
    expect(data?.header.alg).toBe("ES256");
  });

  test("publishes only the public ES256 key, cached for 10 minutes", async () => {
    const res = await fetch(`${sb.url}/auth/v1/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=600");
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty("d");
  });
});

describe("refresh, current user and logout", () => {
  test("rotates the refresh token and refuses the rotated one with refresh_token_already_used", async () => {
    const u = await sb.createUser();
    const c = sb.client();
    const first = await c.auth.signInWithPassword({ email: u.email, password: u.password });
    const oldToken = first.data.session?.refresh_token ?? "";
    const refreshed = await c.auth.refreshSession({ refresh_token: oldToken });
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(oldToken);
    expect(refreshed.data.session?.access_token).not.toBe(first.data.session?.access_token);
    const reuse = await authFetch("/token?grant_type=refresh_token", {
      method: "POST",
      body: JSON.stringify({ refresh_token: oldToken }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ code: "refresh_token_already_used" });
  });

  test("refuses an unknown refresh token with refresh_token_not_found", async () => {
    const res = await authFetch("/token?grant_type=refresh_token", {
      method: "POST",
      body: JSON.stringify({ refresh_token: "not-a-token" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "refresh_token_not_found" });
  });

  test("GET /user answers the signed-in user, 401 without a token and 403 bad_jwt for a forged one", async () => {
    const u = await sb.createUser();
    const c = sb.client();
    const { data } = await c.auth.signInWithPassword({ email: u.email, password: u.password });
    const token = data.session?.access_token ?? "";
    const me = await c.auth.getUser(token);
    expect(me.data.user?.id).toBe(u.id);
    expect((await authFetch("/user")).status).toBe(401);
    expect(await (await authFetch("/user")).json()).toMatchObject({ code: "no_authorization" });
    const [h, p] = token.split(".");
    const forged = await authFetch("/user", { headers: { Authorization: `Bearer ${h}.${p}.AAAA` } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ code: "bad_jwt" });
  });

  test("logout answers 204, ends the session and revokes its refresh token", async () => {
    const u = await sb.createUser();
    const c = sb.client();
    const { data } = await c.auth.signInWithPassword({ email: u.email, password: u.password });
    const token = data.session?.access_token ?? "";
    const res = await authFetch("/logout?scope=global", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const me = await authFetch("/user", { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(403);
    expect(await me.json()).toMatchObject({ code: "session_not_found" });
    const refresh = await authFetch("/token?grant_type=refresh_token", {
      method: "POST",
      body: JSON.stringify({ refresh_token: data.session?.refresh_token }),
    });
    expect(await refresh.json()).toMatchObject({ code: "refresh_token_not_found" });
  });

  test("supabase-js signOut() succeeds and clears the client's session", async () => {
    const u = await sb.createUser();
    const c = sb.client();
    await c.auth.signInWithPassword({ email: u.email, password: u.password });
    const { error } = await c.auth.signOut();
    expect(error).toBeNull();
    expect((await c.auth.getSession()).data.session).toBeNull();
  });
});

describe("magic link", () => {
  function lastMail(email: string) {
    const line = [...sb.logs].reverse().find((l) => l.startsWith(`mail to ${email}:`));
    const link = line?.match(/magic link (\S+)/)?.[1];
    const code = line?.match(/\(code (\d{6})\)/)?.[1];
    if (!link || !code) throw new Error(`no mail for ${email}`);
    return { link, code };
  }

  test("mails a link and a code; POST /verify with email and code signs the user in once", async () => {
    const email = newEmail();
    const c = sb.client();
    const sent = await c.auth.signInWithOtp({ email });
    expect(sent.error).toBeNull();
    const { code } = lastMail(email);
    const { data, error } = await c.auth.verifyOtp({ email, token: code, type: "email" });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect(data.user?.email).toBe(email);
    const again = await sb.client().auth.verifyOtp({ email, token: code, type: "email" });
    expect(again.error?.status).toBe(403);
    expect(again.error?.code).toBe("otp_expired");
  });

  test("POST /verify accepts the token_hash of the link", async () => {
    const email = newEmail();
    await sb.client().auth.signInWithOtp({ email });
    const hash = new URL(lastMail(email).link).searchParams.get("token") ?? "";
    const { data, error } = await sb.client().auth.verifyOtp({ token_hash: hash, type: "magiclink" });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });

  test("GET /verify redirects with the session in the URL fragment, then refuses the used link", async () => {
    const email = newEmail();
    await sb.client().auth.signInWithOtp({ email, options: { emailRedirectTo: "http://127.0.0.1:5173/account" } });
    const { link } = lastMail(email);
    const res = await fetch(link, { redirect: "manual" });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:5173/account");
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("token_type")).toBe("bearer");
    expect(fragment.get("type")).toBe("magiclink");
    expect(Number(fragment.get("expires_in"))).toBe(3600);
    expect(Number(fragment.get("expires_at"))).toBeGreaterThan(Date.now() / 1000);
    expect(fragment.get("refresh_token")).toBeTruthy();
    const me = await sb.client().auth.getUser(fragment.get("access_token") ?? "");
    expect(me.data.user?.email).toBe(email);
    const used = await fetch(link, { redirect: "manual" });
    expect(new URLSearchParams(new URL(used.headers.get("location") ?? "").hash.slice(1)).get("error_code")).toBe(
      "otp_expired",
    );
  });

  test("refuses the PKCE flow loudly instead of sending a link the client cannot use", async () => {
    const res = await authFetch("/otp", {
      method: "POST",
      body: JSON.stringify({ email: newEmail(), code_challenge: "abc", code_challenge_method: "s256" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "validation_failed", message: expect.stringContaining("PKCE") });
  });

  test("lists magic-link mails on the inbox page, newest first", async () => {
    const first = newEmail();
    const second = newEmail();
    await sb.client().auth.signInWithOtp({ email: first });
    await sb.client().auth.signInWithOtp({ email: second });
    const res = await fetch(`${sb.url}/inbox`);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html.indexOf(second)).toBeGreaterThan(-1);
    expect(html.indexOf(second)).toBeLessThan(html.indexOf(first));
    expect(html).toContain(`href="${lastMail(second).link.replaceAll("&", "&#38;")}"`);
  });
});

describe("gateway and admin", () => {
  test("refuses a request without an API key with 401", async () => {
    const res = await fetch(`${sb.url}/auth/v1/user`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: "No API key found in request" });
  });

  test("creates users through the admin API with the secret key only", async () => {
    const email = newEmail();
    const denied = await sb.client().auth.admin.createUser({ email, password: "secret-pw", email_confirm: true });
    expect(denied.error?.status).toBe(403);
    const ok = await sb.client("secret").auth.admin.createUser({ email, password: "secret-pw", email_confirm: true });
    expect(ok.error).toBeNull();
    expect(ok.data.user?.email_confirmed_at).toBeTruthy();
  });

  test("answers unknown auth routes with 404 not_found", async () => {
    const res = await authFetch("/factors");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});
