import { useSyncExternalStore } from "react";
import { getSupabase } from "@/lib/supabase.ts";
import { createSessionStore, type SessionState } from "./session-store.ts";

const store = createSessionStore(getSupabase);
const LOADING: SessionState = { status: "loading" };
/** What a prerendered page shows (build/prerender-plugin.ts): hydration starts there, then reads the store. */
const beforeSession = () => LOADING;

/** The current Supabase session: loading, signed out, or signed in with a session. */
export function useSession(): SessionState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, beforeSession);
}
