import type { Db } from "@gatehouse/types";
import type { SyncAnswer, syncBilling } from "@/lib/gatehouse-api.ts";

interface EarlySync {
  sessionId: string;
  accessToken: string;
  answer: Promise<SyncAnswer>;
}

let pending: Promise<EarlySync | null> | null = null;

/**
 * On a direct load of `/billing/success?session_id=…` (the redirect back from Checkout), restores
 * the session and sends the sync as soon as supabase-js is loaded: before React renders, in
 * parallel with the route's chunk, instead of after the page mounted. The page takes the answer
 * with {@link takeEarlySync}; a signed-out visitor or a page that asks no sync (`gh_sync=0`)
 * starts nothing.
 */
export function startEarlySync(url: URL, getClient: () => Promise<Db>, send?: typeof syncBilling): void {
  if (url.pathname.replace(/\/+$/, "") !== "/billing/success") return;
  const sessionId = url.searchParams.get("session_id");
  if (!sessionId || url.searchParams.get("gh_sync") === "0") return;
  // The API client is in the success page's chunks (already loading); fetched alongside supabase-js.
  const sender = send ? Promise.resolve(send) : import("@/lib/gatehouse-api.ts").then((m) => m.syncBilling);
  pending = Promise.all([getClient().then((client) => client.auth.getSession()), sender])
    .then(([{ data }, sendSync]) => {
      const accessToken = data.session?.access_token;
      const userId = data.session?.user.id;
      if (!accessToken || !userId) return null;
      const answer = sendSync({ sessionId, accessToken });
      // Active: read the content right away, while React renders the unlocked state. (The module
      // is in the success page's chunk, already loading: the pricing page's JS does not grow.)
      void answer
        .then(async (a) => {
          if (!a.entitlement?.active) return;
          const [{ readPremiumContentAhead }, client] = await Promise.all([
            import("@/features/library/api/get-premium-content.ts"),
            getClient(),
          ]);
          readPremiumContentAhead(client, userId);
        })
        .catch(() => undefined);
      // Whoever takes it handles its failure; an untaken answer must not be an unhandled rejection.
      answer.catch(() => undefined);
      return { sessionId, accessToken, answer };
    })
    .catch(() => null);
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
