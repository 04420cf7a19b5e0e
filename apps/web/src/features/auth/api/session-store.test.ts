import type { Db } from "@gatehouse/types";
import type { Session } from "@supabase/supabase-js";
import { describe, expect, it, vi } from "vitest";
import { createSessionStore } from "./session-store.ts";

type AuthListener = (event: string, session: Session | null) => void;

function fakeSession(token: string): Session {
  return { access_token: token, user: { id: "user-1" } } as unknown as Session;
}

/** The part of supabase-js the store uses: auth.getSession and auth.onAuthStateChange. */
function fakeClient(initial: Session | null) {
  let listener: AuthListener = () => {};
  const client = {
    auth: {
      getSession: vi.fn(async () => ({ data: { session: initial }, error: null })),
      onAuthStateChange: vi.fn((callback: AuthListener) => {
        listener = callback;
        return { data: { subscription: { unsubscribe: () => {} } } };
      }),
    },
  };
  return { client: client as unknown as Db, emit: (s: Session | null) => listener("EVENT", s) };
}

describe("createSessionStore", () => {
  it("starts loading, then reports the stored session", async () => {
    const fake = fakeClient(fakeSession("t1"));
    const store = createSessionStore(async () => fake.client);
    expect(store.getSnapshot()).toEqual({ status: "loading" });
    const onChange = vi.fn();
    store.subscribe(onChange);
    await vi.waitFor(() => expect(store.getSnapshot().status).toBe("signed_in"));
    expect(onChange).toHaveBeenCalled();
  });

  it("follows sign-out and new tokens, and ignores repeats of the same token", async () => {
    const fake = fakeClient(null);
    const store = createSessionStore(async () => fake.client);
    const onChange = vi.fn();
    store.subscribe(onChange);
    await vi.waitFor(() => expect(store.getSnapshot()).toEqual({ status: "signed_out" }));
    const calls = onChange.mock.calls.length;
    fake.emit(fakeSession("t2"));
    fake.emit(fakeSession("t2"));
    expect(onChange.mock.calls.length).toBe(calls + 1);
    const snapshot = store.getSnapshot();
    expect(snapshot.status === "signed_in" && snapshot.session.access_token).toBe("t2");
    fake.emit(null);
    expect(store.getSnapshot()).toEqual({ status: "signed_out" });
  });

  it("reports signed out when supabase-js cannot load", async () => {
    const store = createSessionStore(() => Promise.reject(new Error("chunk failed")));
    store.subscribe(() => {});
    await vi.waitFor(() => expect(store.getSnapshot()).toEqual({ status: "signed_out" }));
  });
});
