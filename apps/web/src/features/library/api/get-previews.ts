import type { Database, Db } from "@gatehouse/types";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

/** A row of public.premium_previews(), as generated from its SQL signature. */
export type LessonPreview = Database["public"]["Functions"]["premium_previews"]["Returns"][number];

/** Titles and summaries (never bodies) that anyone may read, for the locked state. */
export async function fetchPreviews(client: Db): Promise<LessonPreview[]> {
  const { data, error } = await client.rpc("premium_previews");
  if (error) throw new Error(error.message);
  return data;
}

export const previewsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.premiumPreviews(),
    queryFn: async () => fetchPreviews(await getSupabase()),
    staleTime: 5 * 60_000,
  });

export function usePreviews(enabled: boolean) {
  return useQuery({ ...previewsQueryOptions(), enabled });
}
