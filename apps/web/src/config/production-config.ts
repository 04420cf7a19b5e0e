// What a production build of the SPA must not carry: addresses only this machine reaches, plain
// http, the offline sandbox's key or a secret key. Pure: the Vite build
// (build/production-guard-plugin.ts) and `check:prod-config` (apps/api/scripts) both call it.
import { hostOf, isLocalAddress, SANDBOX_KEY_MARKER } from "@gatehouse/types/local-address";

export { isLocalAddress };

export const WEB_ENV_NAMES = ["VITE_SUPABASE_URL", "VITE_SUPABASE_PUBLISHABLE_KEY", "VITE_API_URL"] as const;
export type WebEnvName = (typeof WEB_ENV_NAMES)[number];

const URL_NAMES = ["VITE_SUPABASE_URL", "VITE_API_URL"] as const;
/** Values copied from .env.example or the README that were never replaced. */
const PLACEHOLDER = /(^|\.)example\.(com|org|net)$|your-project|project-ref|your-subdomain|replace_me|placeholder/i;

export interface WebConfigReport {
  /** "NAME: why", one per mistake that would ship in the bundle. */
  problems: string[];
  /** Variables with no value (the app then names them on screen instead of starting). */
  missing: WebEnvName[];
}

/** The `role` claim of a legacy JWT key (anon / service_role), or null for anything else. */
function jwtRole(key: string): string | null {
  const payload = key.split(".")[1];
  if (key.split(".").length !== 3 || !payload) return null;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    if (typeof claims !== "object" || claims === null || !("role" in claims)) return null;
    return typeof claims.role === "string" ? claims.role : null;
  } catch {
    return null;
  }
}

/**
 * Checks the SPA's VITE_* values for a production build. `placeholders: true` also refuses the
 * example values (`check:prod-config` does; the CI's `check:deploy` builds with them on purpose).
 */
export function checkWebProductionConfig(
  source: Record<string, string | undefined>,
  options: { placeholders?: boolean } = {},
): WebConfigReport {
  const problems: string[] = [];
  const missing: WebEnvName[] = [];
  const value = (name: WebEnvName) => source[name]?.trim() ?? "";
  for (const name of WEB_ENV_NAMES) if (value(name) === "") missing.push(name);

  for (const name of URL_NAMES) {
    const url = value(name);
    if (url === "") continue;
    const host = hostOf(url);
    if (host === null || !/^https?:\/\//.test(url)) {
      problems.push(`${name}: ${url} is not an http(s) URL`);
    } else if (isLocalAddress(url)) {
      problems.push(
        `${name}: ${url} is a local address that only this machine reaches; a production build needs the deployed https URL (apps/web/.env.production.local), or build with --mode sandbox for a local bundle`,
      );
    } else if (!url.startsWith("https://")) {
      problems.push(`${name}: ${url} is not https; a page served over https may not call it`);
    } else if (options.placeholders && PLACEHOLDER.test(host)) {
      problems.push(`${name}: ${url} is still the placeholder from the example configuration`);
    }
  }

  const key = value("VITE_SUPABASE_PUBLISHABLE_KEY");
  if (key !== "") {
    if (SANDBOX_KEY_MARKER.test(key)) {
      problems.push(
        "VITE_SUPABASE_PUBLISHABLE_KEY: is the offline sandbox's fake key; use the project's publishable key (Project Settings → API Keys)",
      );
    } else if (key.startsWith("sb_secret_") || jwtRole(key) === "service_role") {
      problems.push(
        "VITE_SUPABASE_PUBLISHABLE_KEY: is a secret key (sb_secret_… or the legacy service_role key), which would ship to every browser; use the publishable key (sb_publishable_…)",
      );
    } else if (options.placeholders && PLACEHOLDER.test(key)) {
      problems.push("VITE_SUPABASE_PUBLISHABLE_KEY: is still the placeholder from the example configuration");
    }
  }
  return { problems, missing };
}
