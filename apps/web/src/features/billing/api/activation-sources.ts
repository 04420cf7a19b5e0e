import type { Db } from "@gatehouse/types";
import { syncBilling } from "@/lib/gatehouse-api.ts";
import { takeEarlyAccess, takeEarlySync } from "./early-sync.ts";
import { type EntitlementRow, fetchEntitlement } from "./entitlement-row.ts";

/** What the success page needs to know about the entitlement. */
export interface EntitlementSnapshot {
  active: boolean;
  status: string | null;
}

/**
 * Three ways to learn that the subscription is active. The hook races them; tests pass fakes.
 * - sync: ask the API to re-sync from Stripe now (null when disabled);
 * - subscribe: push updates (Supabase Realtime) and, without the sync, the row read once the
 *   channel is subscribed (a change committed before that is pushed to no one); returns an
 *   unsubscribe function;
 * - poll: read the row once (the first time, the read the success page's boot made, if any).
 */
export interface ActivationSources {
  sync: (signal: AbortSignal) => Promise<EntitlementSnapshot | null>;
  subscribe: (onChange: (snapshot: EntitlementSnapshot) => void) => () => void;
  poll: () => Promise<EntitlementSnapshot | null>;
}

interface SupabaseSourcesInput {
  getClient: () => Promise<Db>;
  userId: string;
  /** Read at call time so a refreshed token is used. */
  getAccessToken: () => string;
  sessionId: string | null;
  /** `?gh_sync=0` turns the API call off (benchmarks). */
  syncEnabled: boolean;
  /** `?gh_realtime=0` turns Realtime off (polling only). */
  realtimeEnabled: boolean;
}

export function createSupabaseActivationSources(input: SupabaseSourcesInput): ActivationSources {
  const { getClient, userId, getAccessToken, sessionId, syncEnabled, realtimeEnabled } = input;
  return {
    async sync(signal) {
      if (!syncEnabled) return null;
      const accessToken = getAccessToken();
      const answer =
        (await takeEarlySync(sessionId, accessToken)) ?? (await syncBilling({ sessionId, accessToken, signal }));
      return answer.entitlement
        ? { active: answer.entitlement.active, status: answer.entitlement.status ?? null }
        : { active: false, status: null };
    },
    subscribe(onChange) {
      if (!realtimeEnabled) return () => {};
      let stopped = false;
      let unsubscribe = () => {
        stopped = true;
      };
      void getClient().then((client) => {
        if (stopped) return;
        const channel = client
          .channel(`entitlements:${userId}:${Math.random().toString(36).slice(2)}`)
          .on<EntitlementRow>(
            "postgres_changes",
            { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${userId}` },
            (payload) => {
              // A deleted row carries no new state: nothing to learn from it.
              if (payload.eventType === "DELETE") return;
              onChange({ active: payload.new.active, status: payload.new.status });
            },
          )
          .subscribe((status) => {
            // Without the sync, a change committed before the channel was subscribed is pushed to
            // no one: read the row once. (With it, the sync is the answer about this checkout: a
            // subscriber's row is active before the sync wrote what they just bought.)
            if (status !== "SUBSCRIBED" || stopped || syncEnabled) return;
            fetchEntitlement(client, userId)
              .then((row) => {
                if (row && !stopped) onChange({ active: row.active, status: row.status });
              })
              .catch(() => undefined);
          });
        unsubscribe = () => {
          stopped = true;
          void client.removeChannel(channel);
        };
      });
      return () => unsubscribe();
    },
    async poll() {
      const early = takeEarlyAccess(userId);
      const row = (early ? await early : null) ?? (await fetchEntitlement(await getClient(), userId));
      return row ? { active: row.active, status: row.status } : null;
    },
  };
}
