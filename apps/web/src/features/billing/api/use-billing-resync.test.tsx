import { QueryClientProvider } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { createQueryClient } from "@/lib/query-client.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { useBillingResync } from "./use-billing-resync.ts";

function wrapperWith(client = createQueryClient()) {
  return {
    client,
    wrapper: ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    ),
  };
}

describe("useBillingResync", () => {
  it("re-syncs once per page load: a second visit within the app does not call the API again", async () => {
    const sync = vi.fn(async () => ({}));
    const { client, wrapper } = wrapperWith();
    const first = renderHook(() => useBillingResync("u1", "token-1", sync), { wrapper });
    await waitFor(() => expect(first.result.current.isSuccess).toBe(true));
    first.unmount();
    const second = renderHook(() => useBillingResync("u1", "token-1", sync), { wrapper });
    expect(second.result.current.isSuccess).toBe(true);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(sync).toHaveBeenCalledWith({ sessionId: null, accessToken: "token-1" });
    expect(client.getQueryState(queryKeys.billingResync("u1"))?.status).toBe("success");
  });

  it("re-reads the entitlement after the sync", async () => {
    const { client, wrapper } = wrapperWith();
    client.setQueryData(queryKeys.entitlement("u1"), { active: false });
    const { result } = renderHook(() => useBillingResync("u1", "token-1", async () => ({})), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(client.getQueryState(queryKeys.entitlement("u1"))?.isInvalidated).toBe(true);
  });

  it("re-reads the entitlement even when the sync failed (a webhook's sync may have landed)", async () => {
    const { client, wrapper } = wrapperWith();
    client.setQueryData(queryKeys.entitlement("u1"), { active: false });
    const failing = async () => {
      throw new Error("upstream_unavailable");
    };
    const { result } = renderHook(() => useBillingResync("u1", "token-1", failing), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(client.getQueryState(queryKeys.entitlement("u1"))?.isInvalidated).toBe(true);
  });

  it("waits for a signed-in user", () => {
    const sync = vi.fn(async () => ({}));
    const { wrapper } = wrapperWith();
    renderHook(() => useBillingResync(null, null, sync), { wrapper });
    expect(sync).not.toHaveBeenCalled();
  });
});
