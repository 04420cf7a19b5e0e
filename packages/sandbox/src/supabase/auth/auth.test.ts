import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, test } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY } from "../../keys.ts";
import { useTestStandIn } from "../test-stand-in.ts";

const sb = useTestStandIn();

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

/** A new user signed in with their password: the user, the client holding the session, its tokens. */
async function signedInClient() {
  const u = await sb.createUser();
  const c = sb.client();
  const { data } = await c.auth.signInWithPassword({ email: u.email, password: u.password });
  return { u, c, token: data.session?.access_token ?? "", refreshToken: data.session?.refresh_token };
}

describe("access tokens", () => {
  test("carries Supabase's claims, signed ES256 with a kid", async () => {
    const { u, token } = await signedInClient();
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
    const { u, c } = await signedInClient();
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
    const { u, c, token } = await signedInClient();
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
    const { token, refreshToken } = await signedInClient();
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
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    expect(await refresh.json()).toMatchObject({ code: "refresh_token_not_found" });
  });

  test("supabase-js signOut() succeeds and clears the client's session", async () => {
    const { c } = await signedInClient();
    const { error } = await c.auth.signOut();
    expect(error).toBeNull();
    expect((await c.auth.getSession()).data.session).toBeNull();
  });
});

function lastMail(email: string) {
  const line = [...sb.logs].reverse().find((l) => l.startsWith(`mail to ${email}:`));
  const link = line?.match(/magic link (\S+)/)?.[1];
  const code = line?.match(/\(code (\d{6})\)/)?.[1];
  if (!link || !code) throw new Error(`no mail for ${email}`);
  return { link, code };
}

describe("magic link", () => {
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

describe("PKCE (flowType: pkce), as Supabase Auth does it", () => {
  const callback = "http://127.0.0.1:5173/auth/callback?next=%2Flibrary";
  const pkceClient = () =>
    createClient(sb.url, SANDBOX_PUBLISHABLE_KEY, {
      auth: { flowType: "pkce", persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });

  /** Asks for a link with supabase-js (which sends the code challenge), opens it, returns the redirect. */
  async function openPkceLink(client: SupabaseClient, email: string) {
    const sent = await client.auth.signInWithOtp({ email, options: { emailRedirectTo: callback } });
    expect(sent.error).toBeNull();
    const { link } = lastMail(email);
    const res = await fetch(link, { redirect: "manual" });
    expect(res.status).toBe(303);
    return { link, location: new URL(res.headers.get("location") ?? "") };
  }

  async function tokenGrant(body: Record<string, string>) {
    const res = await authFetch("/token?grant_type=pkce", { method: "POST", body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test("the mailed link redirects with ?code= beside the app's own query; exchangeCodeForSession signs in once", async () => {
    const email = newEmail();
    const client = pkceClient();
    const { link, location } = await openPkceLink(client, email);
    expect(new URL(link).searchParams.get("token")).toMatch(/^pkce_[0-9a-f]{56}$/);
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:5173/auth/callback");
    expect(location.searchParams.get("next")).toBe("/library");
    expect(location.hash).toBe("");
    const code = location.searchParams.get("code") ?? "";
    expect(code).toMatch(/^[0-9a-f-]{36}$/);

    const { data, error } = await client.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.email_confirmed_at).toBeTruthy();
    const claims = decodeJwt(data.session?.access_token ?? "");
    expect(claims.amr).toEqual([{ method: "magiclink", timestamp: expect.any(Number) }]);

    const again = await tokenGrant({ auth_code: code, code_verifier: "x".repeat(56) });
    expect(again).toEqual({
      status: 404,
      body: { code: "flow_state_not_found", message: "invalid flow state, no valid flow state found" },
    });
  });

  test("refuses a wrong code_verifier with bad_code_verifier and keeps the flow for the right one", async () => {
    const email = newEmail();
    const client = pkceClient();
    const { location } = await openPkceLink(client, email);
    const code = location.searchParams.get("code") ?? "";
    const wrong = await tokenGrant({ auth_code: code, code_verifier: "a".repeat(56) });
    expect(wrong).toEqual({
      status: 400,
      body: { code: "bad_code_verifier", message: "code challenge does not match previously saved code verifier" },
    });
    const { data, error } = await client.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });

  test("a code redeemed within 300 s of opening the link works; past 300 s it is flow_state_expired", async () => {
    const age = async (email: string, seconds: number) => {
      const client = pkceClient();
      const { location } = await openPkceLink(client, email);
      const code = location.searchParams.get("code") ?? "";
      // The flow's clock starts when the link was opened: move that moment back instead of waiting.
      await sb.owner.query(
        "update auth.flow_state set auth_code_issued_at = now() - make_interval(secs => $2) where auth_code = $1",
        [code, seconds],
      );
      return client.auth.exchangeCodeForSession(code);
    };
    const fresh = await age(newEmail(), 290);
    expect(fresh.error).toBeNull();
    const stale = await age(newEmail(), 301);
    expect(stale.error?.status).toBe(422);
    expect(stale.error?.code).toBe("flow_state_expired");
    expect(stale.error?.message).toBe("invalid flow state, flow state has expired");
  });

  test("the plain method: the verifier itself is the challenge", async () => {
    const email = newEmail();
    const verifier = "plain-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    const sent = await authFetch(`/otp?redirect_to=${encodeURIComponent(callback)}`, {
      method: "POST",
      body: JSON.stringify({ email, code_challenge: verifier, code_challenge_method: "plain" }),
    });
    expect(sent.status).toBe(200);
    const res = await fetch(lastMail(email).link, { redirect: "manual" });
    const code = new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const ok = await tokenGrant({ auth_code: code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "bearer", user: { email } });
  });

  test("a used or unknown PKCE link redirects with the error in the query and in the fragment", async () => {
    const email = newEmail();
    const { link } = await openPkceLink(pkceClient(), email);
    const used = await fetch(link, { redirect: "manual" });
    expect(used.status).toBe(303);
    const location = new URL(used.headers.get("location") ?? "");
    expect(location.searchParams.get("next")).toBe("/library");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("error_code")).toBe("otp_expired");
    expect(location.searchParams.get("code")).toBeNull();
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("error_code")).toBe("otp_expired");
    expect(fragment.get("error_description")).toBe("Email link is invalid or has expired");
  });

  test("a PKCE link whose flow state is gone redirects with flow_state_not_found", async () => {
    const email = newEmail();
    await pkceClient().auth.signInWithOtp({ email, options: { emailRedirectTo: callback } });
    await sb.owner.query("delete from auth.flow_state where user_id = (select id from auth.users where email = $1)", [
      email,
    ]);
    const res = await fetch(lastMail(email).link, { redirect: "manual" });
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("error_code")).toBe("flow_state_not_found");
    expect(location.searchParams.get("error")).toBe("invalid_request");
  });

  test("the 6-digit code of a PKCE mail still signs in with verifyOtp", async () => {
    const email = newEmail();
    const client = pkceClient();
    await client.auth.signInWithOtp({ email });
    const { data, error } = await client.auth.verifyOtp({ email, token: lastMail(email).code, type: "email" });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });

  test("validates the challenge as Supabase does: both or neither, 43 to 128 characters, s256 or plain", async () => {
    const otp = async (extra: Record<string, string>) => {
      const res = await authFetch("/otp", { method: "POST", body: JSON.stringify({ email: newEmail(), ...extra }) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const good = "A".repeat(43);
    expect(await otp({ code_challenge: good })).toEqual({
      status: 400,
      body: { code: "validation_failed", message: "PKCE flow requires code_challenge_method and code_challenge" },
    });
    expect(await otp({ code_challenge: "short", code_challenge_method: "s256" })).toEqual({
      status: 400,
      body: { code: "validation_failed", message: "code challenge has to be between 43 and 128 characters" },
    });
    expect((await otp({ code_challenge: `${good}/`, code_challenge_method: "s256" })).body.message).toBe(
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
    expect((await otp({ code_challenge: good, code_challenge_method: "S512" })).status).toBe(400);
    expect((await otp({ code_challenge: good, code_challenge_method: "S256" })).status).toBe(200);
  });

  test("POST /token?grant_type=pkce needs both values and a known code", async () => {
    expect(await tokenGrant({ auth_code: "" })).toEqual({
      status: 400,
      body: {
        code: "validation_failed",
        message: "invalid request: both auth code and code verifier should be non-empty",
      },
    });
    expect((await tokenGrant({ auth_code: randomUUID(), code_verifier: "v".repeat(43) })).body.code).toBe(
      "flow_state_not_found",
    );
  });

  test("signUp with the PKCE flow returns the session at once (auto-confirm makes no flow state)", async () => {
    const email = newEmail();
    const { data, error } = await pkceClient().auth.signUp({ email, password: "secret-pw" });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    const { rows } = await sb.owner.query("select 1 from auth.flow_state where user_id = $1", [data.user?.id]);
    expect(rows).toHaveLength(0);
  });

  test("GET /authorize (signInWithOAuth) answers as Supabase does for a provider that is not enabled", async () => {
    const { data } = await pkceClient().auth.signInWithOAuth({
      provider: "github",
      options: { redirectTo: callback, skipBrowserRedirect: true },
    });
    const url = new URL(data.url ?? "");
    expect(url.pathname).toBe("/auth/v1/authorize");
    expect(url.searchParams.get("code_challenge_method")).toBe("s256");
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "validation_failed",
      message: "Unsupported provider: provider is not enabled",
    });
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

  test("updates app_metadata through the admin API, merged key by key (null removes), and the next token carries it", async () => {
    const email = newEmail();
    const made = await sb.client("secret").auth.admin.createUser({ email, password: "secret-pw", email_confirm: true });
    const id = made.data.user?.id ?? "";
    const denied = await sb.client().auth.admin.updateUserById(id, { app_metadata: { role: "admin" } });
    expect(denied.error?.status).toBe(403);
    const granted = await sb.client("secret").auth.admin.updateUserById(id, { app_metadata: { role: "admin" } });
    expect(granted.error).toBeNull();
    expect(granted.data.user?.app_metadata).toEqual({ provider: "email", providers: ["email"], role: "admin" });
    const session = await sb.client().auth.signInWithPassword({ email, password: "secret-pw" });
    const token = session.data.session?.access_token ?? "";
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
      app_metadata: { role?: string };
    };
    expect(claims.app_metadata.role).toBe("admin");
    const revoked = await sb.client("secret").auth.admin.updateUserById(id, { app_metadata: { role: null } });
    expect(revoked.data.user?.app_metadata).toEqual({ provider: "email", providers: ["email"] });
    const missing = await sb
      .client("secret")
      .auth.admin.updateUserById("00000000-0000-4000-8000-000000000000", { app_metadata: { role: "admin" } });
    expect(missing.error?.status).toBe(404);
    const unmodelled = await sb.client("secret").auth.admin.updateUserById(id, { email: "x@example.test" });
    expect(unmodelled.error?.status).toBe(400);
  });

  test("answers unknown auth routes with 404 not_found", async () => {
    const res = await authFetch("/factors");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});
