import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

export type { EntitlementRow } from "./entitlement-row.ts";

/** The signed-in user's entitlement row; the read (entitlement-row.ts) loads with supabase-js. */
export const entitlementQueryOptions = (userId: string | null) =>
  queryOptions({
    queryKey: queryKeys.entitlement(userId),
    queryFn: async () => {
      if (!userId) return null;
      const [{ fetchEntitlement }, client] = await Promise.all([import("./entitlement-row.ts"), getSupabase()]);
      return fetchEntitlement(client, userId);
    },
    enabled: userId !== null,
  });

export function useEntitlement(userId: string | null) {
  return useQuery(entitlementQueryOptions(userId));
}
