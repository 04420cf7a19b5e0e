/** The signed-in user as the success page's boot knows it: their token and id. */
export interface BootSession {
  accessToken: string;
  userId: string;
}

/**
 * supabase-js refreshes a token that expires within 90 s (auth-js EXPIRY_MARGIN_MS) when it
 * restores the session; a token with less left is not used ahead of it.
 */
const EXPIRY_MARGIN_MS = 90_000;

/**
 * The session supabase-js saved in localStorage (its default key, `sb-<first label of the
 * project's host>-auth-token`), if its token is good for more than the refresh margin: the token
 * supabase-js itself will hand out once loaded. Null when absent, unreadable or about to expire
 * (then the boot waits for supabase-js to restore or refresh it). Read by the entry's early sync
 * (early-sync.ts) and by the success page's inline script (html-sync.ts), with the same rules.
 */
export function storedSession(
  storage: Pick<Storage, "getItem"> | null,
  supabaseUrl: string,
  now = Date.now(),
): BootSession | null {
  try {
    const raw = storage?.getItem(`sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`);
    if (!raw) return null;
    const s = JSON.parse(raw) as { access_token?: unknown; expires_at?: unknown; user?: { id?: unknown } };
    if (typeof s.access_token !== "string" || typeof s.user?.id !== "string" || typeof s.expires_at !== "number") {
      return null;
    }
    if (s.expires_at * 1000 - now <= EXPIRY_MARGIN_MS) return null;
    return { accessToken: s.access_token, userId: s.user.id };
  } catch {
    return null;
  }
}

/** {@link storedSession} of this window's localStorage; null when storage is blocked. */
export function savedSession(supabaseUrl: string): BootSession | null {
  try {
    return storedSession(window.localStorage, supabaseUrl);
  } catch {
    return null; // storage blocked (reading window.localStorage throws): wait for supabase-js
  }
}
