import { type ApiKeyRole, apiKeyRole } from "./api-keys.ts";
import type { JwtKeys } from "./jwt-keys.ts";

export type DbRole = "anon" | "authenticated" | "service_role";

export interface RequestRole {
  role: DbRole;
  claims: Record<string, unknown>;
  /** Seconds since epoch when the identity stops being valid (user JWTs only). */
  expiresAt?: number;
}

export type RoleResult =
  | { ok: true; value: RequestRole }
  | { ok: false; reason: "expired" | "invalid"; message: string };

const DB_ROLES = new Set<string>(["anon", "authenticated", "service_role"]);

/**
 * Who a request runs as, the way Supabase decides it: a user JWT in Authorization runs as its
 * `role` claim; otherwise (no token, or the token is itself an API key) the API key decides.
 */
export async function resolveRole(keys: JwtKeys, apiKey: ApiKeyRole, token: string | undefined): Promise<RoleResult> {
  const tokenKey = apiKeyRole(token);
  if (!token || tokenKey) {
    const role = tokenKey ?? apiKey;
    return { ok: true, value: { role, claims: { role } } };
  }
  const verified = await keys.verify(token);
  if (!verified.ok) return verified;
  const role = verified.claims.role;
  if (!DB_ROLES.has(role)) return { ok: false, reason: "invalid", message: `role ${role} is not allowed` };
  return { ok: true, value: { role: role as DbRole, claims: verified.claims, expiresAt: verified.claims.exp } };
}
