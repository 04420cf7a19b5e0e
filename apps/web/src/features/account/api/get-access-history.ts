import type { AccessChange } from "@gatehouse/types";
import { jsonObject } from "@gatehouse/types/db-columns";
import { type QueryKey, queryOptions, useQuery } from "@tanstack/react-query";
import { getSupabase } from "@/lib/supabase.ts";

export type AccessHistoryRow = AccessChange & { id: number };

/** The user's own access history, newest first (RLS: owners read their own rows). */
export async function fetchAccessHistory(userId: string, limit = 20): Promise<AccessHistoryRow[]> {
  const client = await getSupabase();
  const { data, error } = await client
    .from("entitlement_changes")
    .select("id,at,cause,before,after")
    .eq("user_id", userId)
    .order("at", { ascending: false })
    .order("id", { ascending: false })
    .limit(limit);
  if (error) throw new Error(error.message);
  // before/after are jsonb access states (billing.access_state): objects, or none before the first.
  return data.map((row) => ({ ...row, before: jsonObject(row.before), after: jsonObject(row.after) ?? {} }));
}

/** key: refetched whenever the entitlement changes (its updated_at is part of the key). */
export function useAccessHistory(userId: string | null, key: QueryKey) {
  return useQuery(
    queryOptions({
      queryKey: key,
      queryFn: () => (userId ? fetchAccessHistory(userId) : Promise.resolve([])),
      enabled: userId !== null,
    }),
  );
}
