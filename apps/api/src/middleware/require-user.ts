// Verifies the Supabase access token: asymmetric keys from the project's JWKS (cached per
// isolate), or HS256 with SUPABASE_JWT_SECRET for legacy projects.
import { isUuid } from "@gatehouse/types";
import { createMiddleware } from "hono/factory";
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(supabaseUrl: string) {
  const url = `${supabaseUrl}/auth/v1/.well-known/jwks.json`;
  let jwks = jwksByUrl.get(url);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url), { cacheMaxAge: 600_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
    jwksByUrl.set(url, jwks);
  }
  return jwks;
}

const unauthenticated = (why: string) => new ApiError("unauthenticated", why);

export async function verifyAccessToken(token: string, supabaseUrl: string, jwtSecret?: string): Promise<JWTPayload> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated("The access token is malformed: sign in again");
  }
  // Supabase Auth's access tokens: issued by <SUPABASE_URL>/auth/v1 for the "authenticated"
  // audience, always with an expiry, a subject and a role. Anything else signed with the project's
  // key (a service token, a token minted without exp, one from another issuer) is refused.
  const options = {
    audience: "authenticated",
    issuer: `${supabaseUrl}/auth/v1`,
    requiredClaims: ["exp", "sub", "role"],
    clockTolerance: 5,
  };
  try {
    if (alg === "HS256") {
      if (!jwtSecret) throw unauthenticated("This project does not accept HS256 tokens");
      return (await jwtVerify(token, new TextEncoder().encode(jwtSecret), { ...options, algorithms: ["HS256"] }))
        .payload;
    }
    return (await jwtVerify(token, jwksFor(supabaseUrl), { ...options, algorithms: ["ES256", "RS256", "EdDSA"] }))
      .payload;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = (e as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") throw unauthenticated("Your session has expired: sign in again");
    if (code === "ERR_JWKS_TIMEOUT" || code === "ERR_JOSE_GENERIC") {
      throw new ApiError("upstream_unavailable", "Could not load the Supabase signing keys; try again shortly");
    }
    throw unauthenticated("The access token is not valid for this project: sign in again");
  }
}

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("Sign in first: send Authorization: Bearer <Supabase access token>");
  const { config } = c.var;
  const claims = await verifyAccessToken(match[1], config.SUPABASE_URL, config.SUPABASE_JWT_SECRET);
  if (claims.role !== "authenticated" || typeof claims.sub !== "string" || !isUuid(claims.sub)) {
    throw unauthenticated("The access token is not a signed-in user's token");
  }
  const appMetadata = claims.app_metadata;
  const role =
    appMetadata && typeof appMetadata === "object" && "role" in appMetadata && typeof appMetadata.role === "string"
      ? appMetadata.role
      : null;
  c.set("accessToken", match[1]);
  c.set("user", {
    id: claims.sub,
    email: typeof claims.email === "string" && claims.email ? claims.email : null,
    role,
  });
  await next();
});
