import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { fetchEntitlement } from "./entitlement-row.ts";

export type { EntitlementRow } from "./entitlement-row.ts";

/** The signed-in user's entitlement row, read with supabase-js (loaded on demand). entitlement-row.ts
 * is in the entry already (the boot's early sync reads its columns), so it is imported statically. */
export const entitlementQueryOptions = (userId: string | null) =>
  queryOptions({
    queryKey: queryKeys.entitlement(userId),
    queryFn: async () => {
      if (!userId) return null;
      return fetchEntitlement(await getSupabase(), userId);
    },
    enabled: userId !== null,
  });

export function useEntitlement(userId: string | null) {
  return useQuery(entitlementQueryOptions(userId));
}
