import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import {
  postSync,
  readContent,
  readSentSync,
  successPageSession,
  syncTurnedOff,
  warmContentPreflight,
} from "./boot-requests.ts";
import type { BootSession } from "./stored-session.ts";

// The success page's sync sent from its HTML (issue 20): an inline script in
// dist/billing/success.html (src/app/shell/success-sync-script.ts, bundled by
// build/prerender-plugin.ts and allowed by its hash in the CSP) starts the sync, and the content
// read once it says active, while the entry is still downloading; the entry's early sync
// (early-sync.ts) adopts those requests instead of sending its own.

/** The requests the success page's HTML started, for the entry to adopt. */
export interface HtmlSync {
  sessionId: string;
  accessToken: string;
  /** POST /api/billing/sync's raw answer, unread (the API client reads it: syncAnswerOf). */
  sent: Promise<Response>;
  /** Whether that answer says active (false on any failure). */
  active: Promise<boolean>;
  /**
   * The premium rows the sync answered with, or else read with the user's token once `active` said
   * so; null when it did not.
   */
  content: Promise<Lesson[] | null>;
}

/** Where the inline script leaves its requests (a property of the window). */
export const HTML_SYNC_KEY = "__ghHtmlSync";

export type HtmlSyncHolder = { [HTML_SYNC_KEY]?: HtmlSync | undefined };

/**
 * On a direct load of `/billing/success?session_id=…` with the session supabase-js saved
 * (`stored`: storedSession's rules, null when absent, about to expire or storage blocked), sends
 * the sync, which answers the content too when the API can read it as the user (withContent); else,
 * once it says active, reads the content with the user's own token (RLS decides). Meanwhile the
 * browser asks for that read's CORS preflight, so it is one round trip.
 * Nothing without a saved session, with `gh_sync=0`, or on another page (the entry then does
 * what it did before).
 */
export function startHtmlSync(
  url: URL,
  stored: BootSession | null,
  env: { apiUrl: string; supabaseUrl: string; supabasePublishableKey: string },
): HtmlSync | null {
  const sessionId = successPageSession(url);
  if (!sessionId || syncTurnedOff(url) || !stored) return null;
  const { accessToken } = stored;
  const sent = postSync(env.apiUrl, { sessionId, accessToken });
  warmContentPreflight(env.supabaseUrl);
  const { active, answered } = readSentSync(sent);
  const content = answered.then(async (rows) => rows ?? ((await active) ? readContent(env, accessToken) : null));
  content.catch(() => undefined); // the entry adopts it (and reads again if it failed)
  return { sessionId, accessToken, sent, active, content };
}

/**
 * The requests the HTML started, once, if they were for this Checkout Session with this token
 * (otherwise null: the caller sends its own).
 */
export function takeHtmlSync(
  sessionId: string,
  accessToken: string,
  holder: HtmlSyncHolder = globalThis as HtmlSyncHolder,
): HtmlSync | null {
  const found = holder[HTML_SYNC_KEY];
  if (found === undefined) return null;
  delete holder[HTML_SYNC_KEY];
  return found.sessionId === sessionId && found.accessToken === accessToken ? found : null;
}
