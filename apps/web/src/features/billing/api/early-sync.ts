import type { Db } from "@gatehouse/types";
import { getEnv } from "@/config/env.ts";
import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import { reserveReadAhead } from "@/features/library/api/read-ahead.ts";
import type { SyncAnswer } from "@/lib/gatehouse-api.ts";
import { postSync, readContent, readSentSync, successPageSession, syncTurnedOff } from "./boot-requests.ts";
import { ENTITLEMENT_COLUMNS, type EntitlementRow, withAccessAsOf } from "./entitlement-row.ts";
import { takeHtmlSync } from "./html-sync.ts";
import type { BootSession } from "./stored-session.ts";

interface EarlySync {
  sessionId: string;
  accessToken: string;
  answer: Promise<SyncAnswer>;
}

let pending: Promise<EarlySync | null> | null = null;

/** The user's entitlement row as the boot read it (the page's first poll takes it). */
interface EarlyAccess {
  at: number;
  /** Whose row, and the row; null for a visitor. */
  read: Promise<{ userId: string; row: EntitlementRow | null } | null>;
}

/** A boot read older than this is not handed to the page (it reads the row again). */
const ACCESS_FRESH_MS = 5_000;

let pendingAccess: EarlyAccess | null = null;

/** The session supabase-js saved, as the success page's boot read it (null elsewhere or without one). */
let savedAtBoot: BootSession | null = null;

/**
 * The signed-in user the success page's boot found in supabase-js's saved session, before
 * supabase-js itself has loaded: the page shows the activation with it instead of waiting for the
 * session restore (its token is the one supabase-js will hand out: storedSession). Null when the
 * boot found none, or on another page.
 */
export function bootSession(): BootSession | null {
  return savedAtBoot;
}

/** The session supabase-js restores (waits for its chunk). */
async function restoredSession(getClient: () => Promise<Db>): Promise<BootSession | null> {
  const { data } = await (await getClient()).auth.getSession();
  const accessToken = data.session?.access_token;
  const userId = data.session?.user.id;
  return accessToken && userId ? { accessToken, userId } : null;
}

/** The sync sent, its answer (read by the API client) and, ahead of it, whether it says active. */
interface SentSync {
  answer: Promise<SyncAnswer>;
  active: Promise<boolean>;
  /**
   * The content the sync answered with, or that the success page's HTML reads once active
   * (html-sync.ts, if adopted); null: this page reads it.
   */
  content?: Promise<Lesson[] | null>;
}

/**
 * POST /api/billing/sync with fetch alone, at once, or the one the success page's HTML already
 * sent for this session and token (html-sync.ts): waiting for the API client's chunk to load and
 * run (half a second behind supabase-js's evaluation on a busy page) would hold the request back.
 * The client reads the answer (its chunk, announced with the success page's HTML); whether it says
 * active is read from the raw JSON, so the content read starts without that chunk.
 */
function sendSyncNow(input: { sessionId: string; accessToken: string }): SentSync {
  const adopted = takeHtmlSync(input.sessionId, input.accessToken);
  const sent = adopted?.sent ?? postSync(getEnv().apiUrl, input);
  const answer = import("@/lib/gatehouse-api.ts").then((api) => api.syncAnswerOf(sent));
  if (adopted) return { answer, active: adopted.active, content: adopted.content };
  const { active, answered } = readSentSync(sent);
  return { answer, active, content: answered };
}

/**
 * The premium rows this user may read, with fetch alone (boot-requests.ts: the publishable key
 * and the user's own token, RLS decides), so the read does not wait for supabase-js or the page's
 * chunk to run.
 */
function readContentNow(accessToken: string): Promise<Lesson[]> {
  return readContent(getEnv(), accessToken);
}

/**
 * The user's entitlement row with fetch alone (PostgREST, the publishable key and the user's own
 * token: RLS lets them read only their own row), as the page's poll reads it with supabase-js.
 * Null when they have none.
 */
function readAccessNow(accessToken: string, userId: string): Promise<EntitlementRow | null> {
  const env = getEnv();
  const url = `${env.supabaseUrl}/rest/v1/entitlements?select=${ENTITLEMENT_COLUMNS}&user_id=eq.${encodeURIComponent(userId)}&limit=1`;
  return fetch(url, {
    headers: { accept: "application/json", apikey: env.supabasePublishableKey, authorization: `Bearer ${accessToken}` },
  })
    .then((res) => {
      if (!res.ok) throw new Error(`entitlements answered ${res.status}`);
      return res.json() as Promise<EntitlementRow[]>;
    })
    .then((rows) => (rows[0] ? withAccessAsOf(rows[0], Date.now()) : null));
}

/** The same read through supabase-js (its retries, its refreshed token), if the plain one failed. */
async function readWithSupabase(getClient: () => Promise<Db>): Promise<Lesson[]> {
  const [{ fetchPremiumContent }, client] = await Promise.all([
    import("@/features/library/api/get-premium-content.ts"),
    getClient(),
  ]);
  return fetchPremiumContent(client);
}

/**
 * On a direct load of `/billing/success?session_id=…` (the redirect back from Checkout), before
 * React renders and in parallel with the route's chunk, with the token supabase-js saved (`stored`,
 * read only on that page) without waiting for supabase-js to load, or else once supabase-js has
 * restored the session:
 * - sends the sync, whose answer the page takes with {@link takeEarlySync}, only if its own
 *   session has the same token;
 * - or, on a page that asks no sync (`gh_sync=0`: it waits for the webhooks), reads the user's
 *   entitlement row (`readAccess`) as the page's first poll would, which takes this read
 *   ({@link takeEarlyAccess}). Not with the sync: a subscriber's row is already active before the
 *   sync wrote what they just bought, and the sync is the answer about this checkout;
 * - once that says active, reads the premium rows for the page (`read`), with the user's own
 *   token (RLS decides).
 * A signed-out visitor starts nothing.
 */
export function startEarlySync(
  url: URL,
  getClient: () => Promise<Db>,
  send?: (input: { sessionId: string; accessToken: string }) => Promise<SyncAnswer>,
  stored: () => BootSession | null = () => null,
  read: (accessToken: string) => Promise<Lesson[]> = (accessToken) =>
    readContentNow(accessToken).catch(() => readWithSupabase(getClient)),
  readAccess: (accessToken: string, userId: string) => Promise<EntitlementRow | null> = readAccessNow,
): void {
  savedAtBoot = null;
  const sessionId = successPageSession(url);
  if (!sessionId) return;
  const syncOn = !syncTurnedOff(url);
  const saved = stored();
  savedAtBoot = saved;
  const session = (saved ? Promise.resolve(saved) : restoredSession(getClient)).catch(() => null);
  if (!syncOn) {
    const access = session.then(async (user) => {
      if (!user) return null;
      const row = await readAccess(user.accessToken, user.userId).catch(() => null);
      readAheadIf(Promise.resolve(row?.active === true), user, read);
      return { userId: user.userId, row };
    });
    pendingAccess = { at: Date.now(), read: access.catch(() => null) };
    return;
  }
  pending = session
    .then((user) => {
      if (!user) return null;
      const { accessToken } = user;
      const sync: SentSync = send
        ? (() => {
            const answer = send({ sessionId, accessToken });
            return { answer, active: answer.then((a) => a.entitlement?.active === true).catch(() => false) };
          })()
        : sendSyncNow({ sessionId, accessToken });
      const { content } = sync;
      // The HTML's read, if it made one; else (or if it failed) this page's own.
      const readOnce = content
        ? (token: string) => content.catch(() => null).then((rows) => rows ?? read(token))
        : read;
      readAheadIf(sync.active, user, readOnce);
      // Whoever takes it handles its failure; an untaken answer must not be an unhandled rejection.
      sync.answer.catch(() => undefined);
      return { sessionId, accessToken, answer: sync.answer };
    })
    .catch(() => null);
}

/**
 * Active: read the content right away, while React renders the unlocked state. Reserved now and
 * started as soon as `active` says so, so the page (which learns of it later) takes this read
 * instead of making a second one.
 */
function readAheadIf(active: Promise<boolean>, user: BootSession, read: (accessToken: string) => Promise<Lesson[]>) {
  const readAhead = reserveReadAhead(user.userId);
  void active.then((yes) => (yes ? readAhead.start(() => read(user.accessToken)) : readAhead.drop()));
}

/**
 * The entitlement row the boot read, once, for this user's page: null when the boot read none
 * (or long ago), and resolves to null when it was another user's or the read failed (the caller
 * then reads on its own).
 */
export function takeEarlyAccess(userId: string): Promise<EntitlementRow | null> | null {
  const early = pendingAccess;
  pendingAccess = null;
  if (!early || Date.now() - early.at >= ACCESS_FRESH_MS) return null;
  return early.read.then((r) => (r && r.userId === userId ? r.row : null));
}

/**
 * The early sync's answer, once, if it was sent for this Checkout Session with this token;
 * otherwise null (the caller sends its own).
 */
export async function takeEarlySync(sessionId: string | null, accessToken: string): Promise<SyncAnswer | null> {
  const early = pending;
  pending = null;
  const started = early ? await early : null;
  if (!started || started.sessionId !== sessionId || started.accessToken !== accessToken) return null;
  return started.answer;
}
