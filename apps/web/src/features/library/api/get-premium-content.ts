import type { SupabaseClient } from "@supabase/supabase-js";
import { queryOptions, useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { timingMark } from "@/lib/timing-mark.ts";

const lessonRow = z.object({
  slug: z.string(),
  title: z.string(),
  summary: z.nullable(z.string()),
  body: z.string(),
  /** The feature (Stripe Entitlements lookup key) this row needs. */
  feature: z.string(),
  position: z.nullable(z.number()),
});
export type Lesson = z.infer<typeof lessonRow>;

/** Premium rows this user may read. RLS decides (public.has_feature): only the rows of the features their plan holds. */
export async function fetchPremiumContent(client: SupabaseClient): Promise<Lesson[]> {
  const { data, error } = await client
    .from("premium_content")
    .select("slug,title,summary,body,feature,position")
    .order("position", { ascending: true });
  if (error) throw new Error(error.message);
  timingMark("gh:content-answered");
  return z.array(lessonRow).parse(data);
}

export const premiumContentQueryOptions = (userId: string | null) =>
  queryOptions({
    queryKey: queryKeys.premiumContent(userId),
    queryFn: async () => (userId ? fetchPremiumContent(await getSupabase()) : []),
  });

export function usePremiumContent(userId: string | null) {
  return useQuery(premiumContentQueryOptions(userId));
}
