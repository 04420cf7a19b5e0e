import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type pg from "pg";

export interface SignedUrlClaims extends JWTPayload {
  url: string;
  scope?: string;
}

export type SignedUrlCheck = { ok: true; claims: SignedUrlClaims } | { ok: false; message: string };

export interface UrlSigner {
  sign(url: string, expiresInSeconds: number): Promise<string>;
  verify(token: string): Promise<SignedUrlCheck>;
}

/**
 * Signs download URLs the way Supabase Storage does: an HS256 JWT `{url: "<bucket>/<key>",
 * scope: "download", iat, exp}` under the project's secret (here one kept in the database).
 * Verification failures carry jose's message, which Storage passes through.
 */
export async function loadUrlSigner(db: pg.Pool): Promise<UrlSigner> {
  const { rows } = await db.query<{ secret: string }>("select secret from storage.standin_url_signing_key");
  const secretText = rows[0]?.secret;
  if (!secretText) throw new Error("storage.standin_url_signing_key is empty");
  const secret = new TextEncoder().encode(secretText);
  return {
    sign(url, expiresInSeconds) {
      return new SignJWT({ url, scope: "download" })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime(`${Math.floor(expiresInSeconds)}s`)
        .sign(secret);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
        if (typeof payload.url !== "string") return { ok: false, message: "missing url claim" };
        return { ok: true, claims: payload as SignedUrlClaims };
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
