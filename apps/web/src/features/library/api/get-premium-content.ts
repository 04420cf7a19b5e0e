import type { Db, PremiumLesson } from "@gatehouse/types";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { timingMark } from "@/lib/timing-mark.ts";
import { PREMIUM_CONTENT_COLUMNS, reserveReadAhead, takeAnsweredReadAhead, takeReadAhead } from "./read-ahead.ts";

/** A row of public.premium_content this user may read (RLS decides by the row's feature). */
export type Lesson = PremiumLesson;

/** Premium rows this user may read. RLS decides (public.has_feature): only the rows of the features their plan holds. */
export async function fetchPremiumContent(client: Db): Promise<Lesson[]> {
  const { data, error } = await client
    .from("premium_content")
    .select(PREMIUM_CONTENT_COLUMNS)
    .order("position", { ascending: true });
  if (error) throw new Error(error.message);
  timingMark("gh:content-answered");
  return data;
}

/**
 * Reads the rows now for the page about to ask for them: the success page, the moment the sync
 * says the entitlement is active, instead of after React has rendered the unlocked state. The
 * read goes through the same client with the user's own token (RLS decides, as for any read).
 */
export function readPremiumContentAhead(client: Db, userId: string): void {
  reserveReadAhead(userId).start(() => fetchPremiumContent(client));
}

export { takeAnsweredReadAhead, takeReadAhead };

/** The query of the rows; `getClient` is the Supabase client it reads with (the app's own by default). */
export const premiumContentQueryOptions = (userId: string | null, getClient: () => Promise<Db> = getSupabase) =>
  queryOptions({
    queryKey: queryKeys.premiumContent(userId),
    queryFn: async ({ client, queryKey }) => {
      if (!userId) return [];
      // Only the first load may use the read started ahead: a refetch (an entitlement changed over
      // Realtime, a plan change) must read the rows as they are now, not as they were seconds ago.
      const first = client.getQueryData(queryKey) === undefined;
      const ahead = takeReadAhead(userId);
      return (first ? await ahead : null) ?? fetchPremiumContent(await getClient());
    },
  });

/** A visitor's query is not run (they read no rows: LibraryView draws their locked state at once). */
export function usePremiumContent(userId: string | null) {
  return useQuery({ ...premiumContentQueryOptions(userId), enabled: userId !== null });
}
