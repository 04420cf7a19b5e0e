import { bearer } from "../http/body.ts";
import { SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY } from "../keys.ts";

export type ApiKeyRole = "anon" | "service_role";

/** The role an opaque API key stands for, or null for an unknown key. */
export function apiKeyRole(key: string | undefined): ApiKeyRole | null {
  if (key === SANDBOX_PUBLISHABLE_KEY) return "anon";
  if (key === SANDBOX_SECRET_KEY) return "service_role";
  return null;
}

export type GatewayCheck = { ok: true; role: ApiKeyRole } | { ok: false; body: { message: string; hint: string } };

/**
 * What Supabase's API gateway does before a request reaches Auth or PostgREST: an `apikey`
 * header (or query parameter) must hold a known key.
 */
export function checkApiKey(req: Request): GatewayCheck {
  const key = req.headers.get("apikey") ?? new URL(req.url).searchParams.get("apikey") ?? undefined;
  if (!key) {
    const fromBearer = apiKeyRole(bearer(req));
    if (fromBearer) return { ok: true, role: fromBearer };
    return {
      ok: false,
      body: { message: "No API key found in request", hint: "No `apikey` request header or url param was found." },
    };
  }
  const role = apiKeyRole(key);
  if (!role) {
    return {
      ok: false,
      body: { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." },
    };
  }
  return { ok: true, role };
}
