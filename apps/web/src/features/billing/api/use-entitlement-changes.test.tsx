import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { createQueryClient } from "@/lib/query-client.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { type RealtimeClient, useEntitlementChanges } from "./use-entitlement-changes.ts";

/** A Realtime client whose channel reports `status` once subscribed; `push()` sends a row change. */
function fakeRealtime(status: string) {
  let onChange: (() => void) | null = null;
  const removed = vi.fn(async () => "ok" as const);
  const channel = {
    on(_kind: string, _filter: unknown, cb: () => void) {
      onChange = cb;
      return channel;
    },
    subscribe(cb?: (s: string) => void) {
      queueMicrotask(() => cb?.(status));
      return channel;
    },
  };
  const client = { channel: () => channel, removeChannel: removed } as unknown as RealtimeClient;
  return { client, removed, listening: () => onChange !== null, push: () => onChange?.() };
}

/**
 * The page: its entitlement read (answers `rows` in turn, the last one again after) and the hook,
 * whose Realtime client is ready only after the first read answered, as on a real page load.
 */
function renderPage(rows: Array<{ updated_at: string }>, status = "SUBSCRIBED") {
  const queryClient = createQueryClient();
  queryClient.setQueryData(queryKeys.premiumContent("u1"), []);
  let calls = 0;
  const read = vi.fn(async () => rows[Math.min(calls++, rows.length - 1)] ?? null);
  const realtime = fakeRealtime(status);
  let firstRead: () => void = () => undefined;
  const firstReadDone = new Promise<void>((resolve) => {
    firstRead = resolve;
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const hook = renderHook(
    () => {
      const q = useQuery({ queryKey: queryKeys.entitlement("u1"), queryFn: read, staleTime: Number.POSITIVE_INFINITY });
      if (q.isSuccess) firstRead();
      useEntitlementChanges("u1", async () => {
        await firstReadDone;
        return realtime.client;
      });
      return q;
    },
    { wrapper },
  );
  return { queryClient, read, realtime, hook };
}

describe("useEntitlementChanges", () => {
  it("re-reads the row once subscribed, and everything the user reads when it moved meanwhile", async () => {
    const { queryClient, read } = renderPage([{ updated_at: "t1" }, { updated_at: "t2" }]);
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.entitlement("u1"))).toEqual({ updated_at: "t2" }));
    await waitFor(() => expect(queryClient.getQueryState(queryKeys.premiumContent("u1"))?.isInvalidated).toBe(true));
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("leaves the other reads alone when the row did not move", async () => {
    const { queryClient, read } = renderPage([{ updated_at: "t1" }]);
    await waitFor(() => expect(read).toHaveBeenCalledTimes(2));
    await new Promise((r) => setTimeout(r, 10));
    expect(queryClient.getQueryState(queryKeys.premiumContent("u1"))?.isInvalidated).toBe(false);
  });

  it("a pushed change refreshes everything the user reads; unmounting removes the channel", async () => {
    const { queryClient, read, realtime, hook } = renderPage([{ updated_at: "t1" }], "CHANNEL_ERROR");
    await waitFor(() => expect(realtime.listening()).toBe(true));
    // Not subscribed: no catch-up read.
    expect(read).toHaveBeenCalledTimes(1);
    expect(queryClient.getQueryState(queryKeys.premiumContent("u1"))?.isInvalidated).toBe(false);
    realtime.push();
    expect(queryClient.getQueryState(queryKeys.premiumContent("u1"))?.isInvalidated).toBe(true);
    hook.unmount();
    expect(realtime.removed).toHaveBeenCalledTimes(1);
  });
});
