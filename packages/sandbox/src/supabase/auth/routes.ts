import { type Context, Hono } from "hono";
import { bearer, readJsonObject } from "../../http/body.ts";
import { jsonResponse } from "../../http/respond.ts";
import { apiKeyRole, checkApiKey } from "../api-keys.ts";
import type { StandInContext } from "../context.ts";
import { AuthError } from "./auth-error.ts";
import { consumeOneTimeToken, sendMagicLink, VERIFY_TYPES, verifyOneTimeToken } from "./magic-link.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { flowAuthMethod, issueAuthCode, PKCE_PREFIX, readPkceChallenge, redeemAuthCode } from "./pkce.ts";
import { endSessions, issueSession, refreshSession, sessionExists } from "./sessions.ts";
import { EMAIL_PATTERN, findUserByEmail, findUserById, insertUser, userJson } from "./users.ts";

const API_VERSION = "2024-01-01";
const MIN_PASSWORD_LENGTH = 6;

type Body = Record<string, unknown>;

function str(body: Body, key: string): string | undefined {
  const v = body[key];
  return typeof v === "string" ? v : undefined;
}

function obj(body: Body, key: string): Record<string, unknown> {
  const v = body[key];
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function jsonBody(c: Context): Promise<Body> {
  return readJsonObject(c, {
    tooLarge: () => new AuthError(413, "request_too_large", "Request body too large"),
    invalid: () => new AuthError(400, "bad_json", "Could not parse request body as JSON"),
  });
}

function checkPassword(password: string | undefined): string {
  if (!password || password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(422, "weak_password", `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
      weak_password: { reasons: ["length"] },
    });
  }
  return password;
}

function checkEmail(email: string | undefined): string {
  if (!email) throw new AuthError(400, "validation_failed", "To signup, please provide your email");
  if (!EMAIL_PATTERN.test(email)) {
    throw new AuthError(400, "validation_failed", "Unable to validate email address: invalid format");
  }
  return email;
}

/** The signed-in user behind the Bearer token, with their session (GET /user, /logout). */
async function currentUser(ctx: StandInContext, req: Request) {
  const token = bearer(req);
  if (!token || apiKeyRole(token)) {
    throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token");
  }
  const verified = await ctx.keys.verify(token);
  if (!verified.ok) {
    throw new AuthError(
      403,
      "bad_jwt",
      verified.reason === "expired"
        ? "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired"
        : `invalid JWT: unable to parse or verify signature, ${verified.message}`,
    );
  }
  const { sub, session_id: sessionId } = verified.claims;
  if (!sessionId || !(await sessionExists(ctx.db, sessionId))) {
    throw new AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist");
  }
  const user = await findUserById(ctx.db, sub);
  if (!user) throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
  return { user, sessionId };
}

function requireSecretKey(req: Request): void {
  if (
    apiKeyRole(bearer(req)) !== "service_role" &&
    apiKeyRole(req.headers.get("apikey") ?? undefined) !== "service_role"
  ) {
    throw new AuthError(403, "not_admin", "User not allowed");
  }
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } });
}

function redirectWithFragment(to: string, params: Record<string, string>): Response {
  return seeOther(`${to.split("#")[0]}#${new URLSearchParams(params).toString()}`);
}

/** prepPKCERedirectURL: the auth code joins the redirect's own query (`?next=…&code=…`). */
function redirectWithCode(to: string, code: string): Response {
  const target = new URL(to);
  target.searchParams.set("code", code);
  return seeOther(target.toString());
}

/** prepErrorRedirectURL: the error in the fragment, and for PKCE in the query as well. */
function redirectWithError(to: string, e: AuthError, pkce: boolean): Response {
  const params = {
    error: e.status === 403 ? "access_denied" : e.status >= 500 ? "server_error" : "invalid_request",
    error_code: e.code,
    error_description: e.code === "otp_expired" ? "Email link is invalid or has expired" : e.message,
  };
  if (!pkce) return redirectWithFragment(to, params);
  const target = new URL(to);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  target.hash = new URLSearchParams({ ...params, sb: "" }).toString();
  return seeOther(target.toString());
}

/** Providers Supabase Auth knows (external.go); none is enabled in the stand-in. */
const KNOWN_OAUTH_PROVIDERS = new Set([
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "figma",
  "fly",
  "github",
  "gitlab",
  "google",
  "kakao",
  "keycloak",
  "linkedin",
  "linkedin_oidc",
  "notion",
  "slack",
  "slack_oidc",
  "spotify",
  "twitch",
  "twitter",
  "workos",
  "zoom",
]);

/** `GET /verify`: a link clicked in a mail. No apikey; answers with redirects only. */
async function verifyLink(ctx: StandInContext, url: URL): Promise<Response> {
  // To the site URL when redirect_to is not a URL, as GoTrue falls back for one outside its allow list.
  const asked = url.searchParams.get("redirect_to") ?? "";
  const redirectTo = URL.canParse(asked) ? asked : ctx.siteUrl;
  const token = url.searchParams.get("token") ?? "";
  const type = url.searchParams.get("type") ?? "";
  const pkce = token.startsWith(PKCE_PREFIX);
  try {
    if (!VERIFY_TYPES.has(type)) throw new AuthError(400, "validation_failed", `Unsupported verify type ${type}`);
    if (pkce) {
      // The PKCE flow: the browser gets a one-time auth code, the session only with the verifier.
      const authMethod = flowAuthMethod(type);
      const userId = await consumeOneTimeToken(ctx, { tokenHash: token });
      return redirectWithCode(redirectTo, await issueAuthCode(ctx, userId, authMethod));
    }
    const s = await verifyOneTimeToken(ctx, { tokenHash: token });
    return redirectWithFragment(redirectTo, {
      access_token: s.access_token,
      expires_at: String(s.expires_at),
      expires_in: String(s.expires_in),
      refresh_token: s.refresh_token,
      token_type: "bearer",
      type,
    });
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    return redirectWithError(redirectTo, e, pkce);
  }
}

async function token(ctx: StandInContext, c: Context): Promise<Response> {
  const grant = c.req.query("grant_type");
  const body = await jsonBody(c);
  if (grant === "password") {
    const email = str(body, "email");
    const password = str(body, "password");
    if (!email || !password) throw new AuthError(400, "validation_failed", "missing email or phone");
    const user = await findUserByEmail(ctx.db, email);
    if (!user || !(await verifyPassword(password, user.encrypted_password))) {
      throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
    }
    if (!user.email_confirmed_at) throw new AuthError(400, "email_not_confirmed", "Email not confirmed");
    return jsonResponse(200, await issueSession(ctx, user.id, "password"));
  }
  if (grant === "refresh_token") {
    const refresh = str(body, "refresh_token");
    if (!refresh) throw new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    return jsonResponse(200, await refreshSession(ctx, refresh));
  }
  if (grant === "pkce") {
    return jsonResponse(200, await redeemAuthCode(ctx, str(body, "auth_code") ?? "", str(body, "code_verifier") ?? ""));
  }
  throw new AuthError(
    400,
    "validation_failed",
    `unsupported_grant_type: the sandbox supports password, refresh_token and pkce`,
  );
}

/** `PUT /admin/users/:id`: app_metadata and user_metadata, merged as Supabase Auth merges them. */
async function updateUser(ctx: StandInContext, c: Context, id: string): Promise<Response> {
  requireSecretKey(c.req.raw);
  const body = await jsonBody(c);
  const unmodelled = Object.keys(body).filter((k) => k !== "app_metadata" && k !== "user_metadata");
  if (unmodelled.length > 0) {
    throw new AuthError(
      400,
      "validation_failed",
      `The Supabase stand-in updates app_metadata and user_metadata only, not ${unmodelled.join(", ")}`,
    );
  }
  const user = await findUserById(ctx.db, id);
  if (!user) throw new AuthError(404, "user_not_found", "User not found");
  // Key by key; a null value removes the key.
  const merge = (base: Record<string, unknown>, patch: Record<string, unknown>) => {
    const out = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
    return out;
  };
  const { rows } = await ctx.db.query<{ id: string }>(
    "update auth.users set raw_app_meta_data = $2, raw_user_meta_data = $3, updated_at = now() where id = $1 returning id",
    [
      user.id,
      JSON.stringify(
        merge(user.raw_app_meta_data ?? { provider: "email", providers: ["email"] }, obj(body, "app_metadata")),
      ),
      JSON.stringify(merge(user.raw_user_meta_data ?? {}, obj(body, "user_metadata"))),
    ],
  );
  const updated = rows[0] ? await findUserById(ctx.db, rows[0].id) : undefined;
  if (!updated) throw new AuthError(404, "user_not_found", "User not found");
  return jsonResponse(200, userJson(updated));
}

const USER_ID = ":id{[0-9a-f-]{36}}";

/**
 * `/auth/v1`: GoTrue's endpoints the app uses. The JWKS, the mail link and OAuth's authorize answer
 * without an API key; everything after them passes the API gateway's key check first.
 */
export function authRoutes(ctx: StandInContext): Hono {
  return new Hono()
    .use(async (c, next) => {
      await next();
      const asked = c.req.header("x-supabase-api-version");
      c.res.headers.set("X-Supabase-Api-Version", asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : API_VERSION);
    })
    .get("/.well-known/jwks.json", () =>
      jsonResponse(200, { keys: [ctx.keys.publicJwk] }, { "Cache-Control": "public, max-age=600" }),
    )
    .get("/verify", (c) => verifyLink(ctx, new URL(c.req.url)))
    .get("/authorize", (c) => {
      // OAuth sign-in (signInWithOAuth, with or without PKCE): a browser navigation, no apikey. The
      // stand-in has no external provider enabled, so it answers as Supabase does for one that is off.
      const provider = c.req.query("provider") ?? "";
      throw new AuthError(
        400,
        "validation_failed",
        KNOWN_OAUTH_PROVIDERS.has(provider.toLowerCase())
          ? "Unsupported provider: provider is not enabled"
          : `Unsupported provider: Provider ${provider} could not be found`,
      );
    })
    .use(async (c, next) => {
      const gateway = checkApiKey(c.req.raw);
      if (!gateway.ok) return jsonResponse(401, gateway.body);
      await next();
    })
    .get("/health", () =>
      jsonResponse(200, { version: "sandbox", name: "GoTrue", description: "Gatehouse Supabase stand-in" }),
    )
    .get("/settings", () =>
      jsonResponse(200, {
        external: { email: true, phone: false, anonymous_users: false },
        disable_signup: false,
        mailer_autoconfirm: true,
        phone_autoconfirm: false,
        sms_provider: "",
        saml_enabled: false,
      }),
    )
    .post("/signup", async (c) => {
      const body = await jsonBody(c);
      const email = checkEmail(str(body, "email"));
      const password = checkPassword(str(body, "password"));
      // Checked as Supabase does; with auto-confirm the session comes back at once, so no flow state.
      readPkceChallenge(body);
      if (await findUserByEmail(ctx.db, email))
        throw new AuthError(422, "user_already_exists", "User already registered");
      const user = await insertUser(ctx.db, {
        email,
        passwordHash: await hashPassword(password),
        confirmed: true,
        userMetadata: obj(body, "data"),
      });
      if (!user) throw new AuthError(422, "user_already_exists", "User already registered");
      return jsonResponse(200, await issueSession(ctx, user.id, "password"));
    })
    .post("/token", (c) => token(ctx, c))
    .get("/user", async (c) => {
      const { user } = await currentUser(ctx, c.req.raw);
      return jsonResponse(200, userJson(user));
    })
    .post("/logout", async (c) => {
      const { user, sessionId } = await currentUser(ctx, c.req.raw);
      const scope = c.req.query("scope") ?? "global";
      if (scope !== "global" && scope !== "local" && scope !== "others") {
        throw new AuthError(400, "validation_failed", "Unsupported logout scope");
      }
      await endSessions(ctx.db, user.id, sessionId, scope);
      return new Response(null, { status: 204 });
    })
    .post("/otp", async (c) => {
      const body = await jsonBody(c);
      const email = str(body, "email");
      if (!email) throw new AuthError(400, "validation_failed", "Only an email address is supported by the sandbox");
      const pkce = readPkceChallenge(body);
      await sendMagicLink(ctx, {
        pkce,
        email,
        createUser: body.create_user !== false,
        userMetadata: obj(body, "data"),
        redirectTo: c.req.query("redirect_to"),
      });
      return jsonResponse(200, {});
    })
    .post("/verify", async (c) => {
      const body = await jsonBody(c);
      const type = str(body, "type") ?? "";
      if (!VERIFY_TYPES.has(type)) throw new AuthError(400, "validation_failed", `Unsupported verify type ${type}`);
      const tokenHash = str(body, "token_hash");
      const email = str(body, "email");
      const otp = str(body, "token");
      if (tokenHash) return jsonResponse(200, await verifyOneTimeToken(ctx, { tokenHash }));
      if (email && otp) return jsonResponse(200, await verifyOneTimeToken(ctx, { email, token: otp }));
      throw new AuthError(400, "validation_failed", "Verify requires either a token_hash or an email and a token");
    })
    .post("/admin/users", async (c) => {
      requireSecretKey(c.req.raw);
      const body = await jsonBody(c);
      const email = checkEmail(str(body, "email"));
      const password = str(body, "password");
      const user = await insertUser(ctx.db, {
        email,
        passwordHash: password === undefined ? null : await hashPassword(checkPassword(password)),
        confirmed: body.email_confirm === true,
        userMetadata: obj(body, "user_metadata"),
      });
      if (!user) {
        throw new AuthError(422, "email_exists", "A user with this email address has already been registered");
      }
      return jsonResponse(200, userJson(user));
    })
    .on(["GET", "DELETE"], `/admin/users/${USER_ID}`, async (c) => {
      requireSecretKey(c.req.raw);
      const user = await findUserById(ctx.db, c.req.param("id"));
      if (!user) throw new AuthError(404, "user_not_found", "User not found");
      if (c.req.method === "DELETE") await ctx.db.query("delete from auth.users where id = $1", [user.id]);
      return jsonResponse(200, userJson(user));
    })
    .put(`/admin/users/${USER_ID}`, (c) => updateUser(ctx, c, c.req.param("id")))
    .all("*", (c) => {
      throw new AuthError(
        404,
        "not_found",
        `${c.req.method} ${c.req.path} is not implemented by the Supabase stand-in`,
      );
    })
    .onError((e, c) => {
      if (e instanceof AuthError) return jsonResponse(e.status, e.toBody());
      ctx.log(`auth ${c.req.method} ${c.req.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return jsonResponse(500, {
        code: "unexpected_failure",
        message: "Unexpected failure, please check server logs for more information",
      });
    });
}
