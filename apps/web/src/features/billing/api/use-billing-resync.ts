import { useQuery, useQueryClient } from "@tanstack/react-query";
import { syncBilling } from "@/lib/gatehouse-api.ts";
import { queryKeys } from "@/lib/query-keys.ts";

type Sync = (input: { sessionId: null; accessToken: string }) => Promise<unknown>;

/**
 * Back from the billing portal (its return URL is /account, a full page load) the webhook may still
 * be on its way: asks the API to re-sync the user once per page load, then re-reads the
 * entitlement. Later visits within the app reuse that answer (never stale), so they do not call
 * Stripe again. A failed sync is silent and the row is re-read all the same (a webhook's sync may
 * have landed meanwhile).
 */
export function useBillingResync(userId: string | null, accessToken: string | null, sync: Sync = syncBilling) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.billingResync(userId),
    queryFn: async () => {
      try {
        await sync({ sessionId: null, accessToken: accessToken ?? "" });
      } finally {
        // Re-read even when this sync failed: a webhook's sync may have landed meanwhile.
        await queryClient.invalidateQueries({ queryKey: queryKeys.entitlement(userId) });
      }
      return true;
    },
    enabled: userId !== null && accessToken !== null,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
