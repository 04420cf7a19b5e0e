import type { Db } from "@gatehouse/types";
import type { Session } from "@supabase/supabase-js";
import { timingMark } from "@/lib/timing-mark.ts";

export type SessionState = { status: "loading" } | { status: "signed_out" } | { status: "signed_in"; session: Session };

type Listener = () => void;

/** Mirrors supabase-js auth state into a store React can read with useSyncExternalStore. */
export function createSessionStore(getClient: () => Promise<Db>) {
  let state: SessionState = { status: "loading" };
  let started = false;
  const listeners = new Set<Listener>();

  const set = (session: Session | null) => {
    const next: SessionState = session ? { status: "signed_in", session } : { status: "signed_out" };
    const same =
      next.status === state.status &&
      (next.status !== "signed_in" ||
        (state.status === "signed_in" && state.session.access_token === next.session.access_token));
    if (same) return;
    if (state.status === "loading") timingMark("gh:session-ready");
    state = next;
    for (const listener of listeners) listener();
  };

  const start = () => {
    if (started) return;
    started = true;
    getClient()
      .then((client) => {
        client.auth.onAuthStateChange((_event, session) => set(session));
        return client.auth.getSession();
      })
      .then(({ data }) => set(data.session))
      .catch(() => set(null));
  };

  return {
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      start();
      return () => listeners.delete(listener);
    },
    getSnapshot(): SessionState {
      return state;
    },
  };
}
