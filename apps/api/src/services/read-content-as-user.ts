// The premium rows a signed-in user may read, read as that user: PostgREST with the project's
// publishable key and the caller's own access token, so RLS decides exactly as for the browser's
// read (public.has_feature). Never with the secret key: that would bypass RLS.
import { PREMIUM_CONTENT_COLUMNS, type PremiumLesson } from "@gatehouse/types";
import type { Config } from "../env.ts";

/** How long the read may take before the sync answers without it (the page then reads it). */
const READ_TIMEOUT_MS = 3_000;

/**
 * The rows, or null when they cannot be read this way (no publishable key configured, the read
 * failed or timed out, or the answer is not a list): the caller answers without them.
 */
export async function readContentAsUser(
  config: Pick<Config, "SUPABASE_URL" | "SUPABASE_PUBLISHABLE_KEY">,
  accessToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<PremiumLesson[] | null> {
  const key = config.SUPABASE_PUBLISHABLE_KEY;
  if (!key) return null;
  const url = `${config.SUPABASE_URL}/rest/v1/premium_content?select=${PREMIUM_CONTENT_COLUMNS}&order=position.asc`;
  try {
    const res = await fetchFn(url, {
      headers: { accept: "application/json", apikey: key, authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(READ_TIMEOUT_MS),
    });
    if (!res.ok) return null;
    const rows: unknown = await res.json();
    return Array.isArray(rows) ? (rows as PremiumLesson[]) : null;
  } catch {
    return null;
  }
}
