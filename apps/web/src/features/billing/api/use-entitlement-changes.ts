import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

/**
 * Listens for the user's own entitlements row over Supabase Realtime and refreshes everything the
 * user reads when it changes: a plan changed elsewhere (another tab, the billing portal, a renewal)
 * unlocks or locks the rows of this open page without a reload.
 */
export function useEntitlementChanges(userId: string | null): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!userId) return;
    let stopped = false;
    let stop = () => {
      stopped = true;
    };
    void getSupabase().then((client) => {
      if (stopped) return;
      const channel = client
        .channel(`entitlement-changes:${userId}:${Math.random().toString(36).slice(2)}`)
        .on(
          "postgres_changes",
          { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${userId}` },
          () => void queryClient.invalidateQueries({ queryKey: queryKeys.everyUser() }),
        )
        .subscribe();
      stop = () => {
        void client.removeChannel(channel);
      };
    });
    return () => stop();
  }, [userId, queryClient]);
}
