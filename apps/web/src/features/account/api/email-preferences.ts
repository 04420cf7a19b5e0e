import type { Db, EmailPreferencesResponse, Locale } from "@gatehouse/types";
import { useQuery } from "@tanstack/react-query";
import { apiCall } from "@/lib/api-client.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

export type EmailPreferences = EmailPreferencesResponse;

/** The user's email preferences (RLS: the owner reads their own row); none yet: everything on. */
export async function fetchEmailPreferences(client: Db, userId: string): Promise<EmailPreferences> {
  const { data, error } = await client
    .from("email_preferences")
    .select("lifecycle_emails,locale")
    .eq("user_id", userId)
    .maybeSingle();
  if (error) throw new Error(error.message);
  return { lifecycleEmails: data?.lifecycle_emails ?? true, locale: data?.locale ?? null };
}

export function emailPreferencesQueryOptions(userId: string | null) {
  return {
    queryKey: queryKeys.emailPreferences(userId),
    queryFn: async () => fetchEmailPreferences(await getSupabase(), userId ?? ""),
    enabled: userId !== null,
  };
}

export function useEmailPreferences(userId: string | null) {
  return useQuery(emailPreferencesQueryOptions(userId));
}

/** Writes them through the API (the table has no write policy). */
export function saveEmailPreferences(input: { lifecycleEmails: boolean; locale: Locale; accessToken: string }) {
  return apiCall({
    method: "POST",
    path: "/api/me/email-preferences",
    body: { lifecycleEmails: input.lifecycleEmails, locale: input.locale },
    accessToken: input.accessToken,
  });
}
