import type { SupabaseClient } from "@supabase/supabase-js";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

/** What this hook uses of a Supabase client: its Realtime channels. */
export type RealtimeClient = Pick<SupabaseClient, "channel" | "removeChannel">;

/**
 * Listens for the user's own entitlements row over Supabase Realtime and refreshes everything the
 * user reads when it changes: a plan changed elsewhere (another tab, the billing portal, a renewal)
 * unlocks or locks the rows of this open page without a reload. Once subscribed it re-reads the row,
 * so a change made between the page's first read and the subscription is not missed.
 */
export function useEntitlementChanges(
  userId: string | null,
  getClient: () => Promise<RealtimeClient> = getSupabase,
): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!userId) return;
    let stopped = false;
    let stop = () => {
      stopped = true;
    };
    const catchUp = async () => {
      const key = queryKeys.entitlement(userId);
      const before = queryClient.getQueryData<{ updated_at?: string } | null>(key);
      await queryClient.refetchQueries({ queryKey: key, exact: true });
      const after = queryClient.getQueryData<{ updated_at?: string } | null>(key);
      // Everything else the user reads (the row itself was just read).
      if (before !== undefined && before?.updated_at !== after?.updated_at)
        await queryClient.invalidateQueries({
          queryKey: queryKeys.everyUser(),
          predicate: (q) => JSON.stringify(q.queryKey) !== JSON.stringify(key),
        });
    };
    void getClient().then((client) => {
      if (stopped) return;
      const channel = client
        .channel(`entitlement-changes:${userId}:${Math.random().toString(36).slice(2)}`)
        .on(
          "postgres_changes",
          { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${userId}` },
          () => void queryClient.invalidateQueries({ queryKey: queryKeys.everyUser() }),
        )
        .subscribe((status) => {
          // A change between the page's first read and this subscription is never pushed: once
          // listening (and again after a reconnect), re-read the row, and everything if it moved.
          if (status === "SUBSCRIBED" && !stopped) void catchUp();
        });
      stop = () => {
        void client.removeChannel(channel);
      };
    });
    return () => stop();
  }, [userId, queryClient, getClient]);
}
