import { useSyncExternalStore } from "react";
import { getSupabase } from "@/lib/supabase.ts";
import { createSessionStore, type SessionState } from "./session-store.ts";

const store = createSessionStore(getSupabase);

/** The current Supabase session: loading, signed out, or signed in with a session. */
export function useSession(): SessionState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
