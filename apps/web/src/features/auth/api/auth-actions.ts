import { getSupabase } from "@/lib/supabase.ts";

export type AuthOutcome = { kind: "signed_in" } | { kind: "confirm_email" } | { kind: "link_sent" };

export async function signInWithPassword(email: string, password: string): Promise<AuthOutcome> {
  const client = await getSupabase();
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw error;
  return { kind: "signed_in" };
}

export async function signUpWithPassword(email: string, password: string): Promise<AuthOutcome> {
  const client = await getSupabase();
  const { data, error } = await client.auth.signUp({ email, password });
  if (error) throw error;
  return data.session ? { kind: "signed_in" } : { kind: "confirm_email" };
}

export async function sendMagicLink(email: string, redirectTo: string): Promise<AuthOutcome> {
  const client = await getSupabase();
  const { error } = await client.auth.signInWithOtp({
    email,
    options: { emailRedirectTo: redirectTo, shouldCreateUser: true },
  });
  if (error) throw error;
  return { kind: "link_sent" };
}

export async function signOut(): Promise<void> {
  const client = await getSupabase();
  const { error } = await client.auth.signOut();
  if (error) throw error;
}
