import { randomUUID } from "node:crypto";
import { errors, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import pg from "pg";

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  role: string;
  session_id?: string;
  email?: string;
}

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: "expired" | "invalid"; message: string };

export interface JwtKeys {
  kid: string;
  publicJwk: JWK;
  sign(claims: Record<string, unknown>, expiresAt: number, issuedAt: number): Promise<string>;
  verify(token: string): Promise<VerifyResult>;
}

/** Loads the stand-in's ES256 signing key from Postgres, creating it on first start. */
export async function loadJwtKeys(db: pg.Pool): Promise<JwtKeys> {
  let row = await readKey(db);
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = randomUUID();
    const priv = { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
    const pub = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig", key_ops: ["verify"] };
    // Two stand-ins starting on one database race here: the first insert wins, both read it back.
    await db.query(
      "insert into auth.standin_signing_keys (kid, private_jwk, public_jwk) values ($1, $2, $3) on conflict (id) do nothing",
      [kid, JSON.stringify(priv), JSON.stringify(pub)],
    );
    row = await readKey(db);
    if (!row) throw new Error("could not store the JWT signing key");
  }
  const { kid, private_jwk, public_jwk } = row;
  const privateKey = await importJWK(private_jwk, "ES256");
  const publicKey = await importJWK(public_jwk, "ES256");
  return {
    kid,
    publicJwk: public_jwk,
    sign(claims, expiresAt, issuedAt) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(privateKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { algorithms: ["ES256"] });
        if (typeof payload.sub !== "string" || typeof payload.role !== "string") {
          return { ok: false, reason: "invalid", message: "invalid claim: missing sub or role claim" };
        }
        return { ok: true, claims: payload as AccessTokenClaims };
      } catch (e) {
        if (e instanceof errors.JWTExpired) return { ok: false, reason: "expired", message: "JWT expired" };
        return { ok: false, reason: "invalid", message: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
}

async function readKey(db: pg.Pool): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>("select kid, private_jwk, public_jwk from auth.standin_signing_keys");
  return rows[0];
}

/**
 * The project's private signing key (with its kid), for tests that mint tokens the way Supabase
 * Auth would but with other claims (no exp, another issuer, …). Tests only: never in a worker.
 */
export async function readSigningJwk(databaseUrl: string): Promise<JWK> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const row = await readKey(db);
    if (!row) throw new Error("the Supabase stand-in has not created its signing key yet");
    return { ...row.private_jwk, kid: row.kid };
  } finally {
    await db.end();
  }
}
