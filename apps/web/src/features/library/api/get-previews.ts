import type { SupabaseClient } from "@supabase/supabase-js";
import { queryOptions, useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

const previewRow = z.object({
  slug: z.string(),
  title: z.string(),
  summary: z.nullable(z.string()),
  feature: z.string(),
  position: z.nullable(z.number()),
});
export type LessonPreview = z.infer<typeof previewRow>;

/** Titles and summaries (never bodies) that anyone may read, for the locked state. */
export async function fetchPreviews(client: SupabaseClient): Promise<LessonPreview[]> {
  const { data, error } = await client.rpc("premium_previews");
  if (error) throw new Error(error.message);
  return z.array(previewRow).parse(data);
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
