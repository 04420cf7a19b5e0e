import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import { PREMIUM_CONTENT_COLUMNS } from "@/features/library/api/read-ahead.ts";
import { warmPreflight } from "@/lib/preflight.ts";
import { timingMark } from "@/lib/timing-mark.ts";

// The success page's first requests with fetch alone (no supabase-js, no API client), shared by
// the inline script in its HTML (html-sync.ts) and the entry's early sync (early-sync.ts). Small,
// with no imports but types and two tiny modules: the inline script bundles this file.

/**
 * The Checkout Session to sync on a direct load of `/billing/success?session_id=…` (the redirect
 * back from Checkout); null on another page or without one.
 */
export function successPageSession(url: URL): string | null {
  if (url.pathname.replace(/\/+$/, "") !== "/billing/success") return null;
  return url.searchParams.get("session_id") || null;
}

/** `?gh_sync=0` turns the sync off (benchmarks: the page waits for the webhooks). */
export function syncTurnedOff(url: URL): boolean {
  return url.searchParams.get("gh_sync") === "0";
}

/**
 * POST /api/billing/sync with the user's token, asking for the premium rows in the same answer
 * (`withContent`: read by the API with this token, RLS decides); the raw answer (the API client
 * reads it: syncAnswerOf).
 */
export function postSync(apiUrl: string, input: { sessionId: string; accessToken: string }): Promise<Response> {
  const sent = fetch(`${apiUrl}/api/billing/sync`, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      authorization: `Bearer ${input.accessToken}`,
    },
    body: JSON.stringify({ sessionId: input.sessionId, withContent: true }),
  });
  sent.catch(() => undefined); // read (and its failure handled) by whoever takes the answer
  return sent;
}

/** What the boot reads of the sync's answer before the API client has loaded. */
export interface SyncBody {
  entitlement?: { active?: unknown };
  content?: unknown;
}

/** The sync's raw answer, read from a clone (null on a refusal or any failure). */
export function syncBodyOf(sent: Promise<Response>): Promise<SyncBody | null> {
  return sent.then((res) => (res.ok ? (res.clone().json() as Promise<SyncBody | null>) : null)).catch(() => null);
}

/** Whether the sync's answer says the entitlement is active (false on any failure). */
export function saysActive(body: Promise<SyncBody | null>): Promise<boolean> {
  return body.then((b) => b?.entitlement?.active === true);
}

/**
 * What the boot takes from a sent sync, reading its answer once: whether it says active, and the
 * premium rows it carries (null: none, the page reads them).
 */
export function readSentSync(sent: Promise<Response>): {
  active: Promise<boolean>;
  answered: Promise<Lesson[] | null>;
} {
  const body = syncBodyOf(sent);
  return { active: saysActive(body), answered: answeredContent(body) };
}

/**
 * The premium rows the sync answered with (the API read them with the user's token), or null when
 * it did not send them (no access, or an API without the publishable key): the page reads them.
 */
export function answeredContent(body: Promise<SyncBody | null>): Promise<Lesson[] | null> {
  return body.then((b) => {
    if (!Array.isArray(b?.content)) return null;
    timingMark("gh:content-answered");
    return b.content as Lesson[];
  });
}

/** The content read's URL (a preflight is cached for this exact URL: warmContentPreflight). */
const contentUrl = (supabaseUrl: string) =>
  `${supabaseUrl}/rest/v1/premium_content?select=${PREMIUM_CONTENT_COLUMNS}&order=position.asc`;

/**
 * The content read's CORS preflight (its `apikey` and `authorization` headers), asked for while the
 * sync is on its way: the read that follows an active answer is then one round trip, not two.
 */
export function warmContentPreflight(supabaseUrl: string): void {
  warmPreflight(contentUrl(supabaseUrl), ["apikey", "authorization"]);
}

/**
 * The premium rows this user may read (PostgREST, the publishable key and the user's own token:
 * RLS decides, exactly as for supabase-js's read in get-premium-content.ts).
 */
export function readContent(
  env: { supabaseUrl: string; supabasePublishableKey: string },
  accessToken: string,
): Promise<Lesson[]> {
  return fetch(contentUrl(env.supabaseUrl), {
    headers: { accept: "application/json", apikey: env.supabasePublishableKey, authorization: `Bearer ${accessToken}` },
  })
    .then((res) => {
      if (!res.ok) throw new Error(`premium_content answered ${res.status}`);
      return res.json() as Promise<Lesson[]>;
    })
    .then((rows) => {
      timingMark("gh:content-answered");
      return rows;
    });
}
