import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api-error.ts";
import type { ActivationSources, EntitlementSnapshot } from "./activation-sources.ts";
import { useActivation } from "./use-activation.ts";

const ACTIVE: EntitlementSnapshot = { active: true, status: "active" };
const INACTIVE: EntitlementSnapshot = { active: false, status: null };

/** A fake entitlement source with a hand on each channel. */
function fakeSources(overrides: Partial<ActivationSources> = {}) {
  let push: (snapshot: EntitlementSnapshot) => void = () => {};
  const unsubscribe = vi.fn();
  const sources: ActivationSources = {
    sync: vi.fn(() => new Promise<EntitlementSnapshot | null>(() => {})),
    subscribe: vi.fn((onChange) => {
      push = onChange;
      return unsubscribe;
    }),
    poll: vi.fn(async () => INACTIVE),
    ...overrides,
  };
  return { sources, unsubscribe, push: (s: EntitlementSnapshot) => push(s) };
}

describe("useActivation", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("unlocks as soon as the realtime source reports an active entitlement", async () => {
    const fake = fakeSources();
    const onActive = vi.fn();
    const { result } = renderHook(() => useActivation(fake.sources, { onActive }));
    expect(result.current.phase).toBe("activating");
    act(() => fake.push(ACTIVE));
    expect(result.current.phase).toBe("active");
    expect(result.current.source).toBe("realtime");
    expect(onActive).toHaveBeenCalledWith("realtime");
    expect(fake.unsubscribe).toHaveBeenCalled();
  });

  it("unlocks from the API sync answer", async () => {
    const fake = fakeSources({ sync: vi.fn(async () => ACTIVE) });
    const { result } = renderHook(() => useActivation(fake.sources));
    await act(async () => {});
    expect(result.current).toMatchObject({ phase: "active", source: "sync" });
  });

  it("falls back to polling and stops polling once active", async () => {
    let reads = 0;
    const fake = fakeSources({
      poll: vi.fn(async () => {
        reads += 1;
        return reads >= 3 ? ACTIVE : INACTIVE;
      }),
    });
    const { result } = renderHook(() => useActivation(fake.sources, { pollIntervalMs: 1000 }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500 + 1000 + 1000);
    });
    expect(result.current).toMatchObject({ phase: "active", source: "poll" });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(fake.sources.poll).toHaveBeenCalledTimes(3);
  });

  it("polls at once with firstPollMs 0 (a page without the sync), 500 ms later by default", async () => {
    const atOnce = fakeSources({ poll: vi.fn(async () => ACTIVE) });
    const { result } = renderHook(() => useActivation(atOnce.sources, { firstPollMs: 0 }));
    await act(async () => {});
    expect(result.current).toMatchObject({ phase: "active", source: "poll" });

    const later = fakeSources({ poll: vi.fn(async () => ACTIVE) });
    const second = renderHook(() => useActivation(later.sources));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(499);
    });
    expect(later.sources.poll).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(second.result.current).toMatchObject({ phase: "active", source: "poll" });
  });

  it("says the checkout was not paid when the sync answers inactive, yet still unlocks if a push follows", async () => {
    const fake = fakeSources({ sync: vi.fn(async () => INACTIVE) });
    const { result } = renderHook(() => useActivation(fake.sources));
    await act(async () => {});
    expect(result.current.phase).toBe("not_paid");
    act(() => fake.push(ACTIVE));
    expect(result.current.phase).toBe("active");
  });

  it("reports a slow activation after the threshold and starts again on retry", async () => {
    const fake = fakeSources();
    const { result } = renderHook(() => useActivation(fake.sources, { slowAfterMs: 15_000, maxPolls: 3 }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(14_000);
    });
    expect(result.current.slow).toBe(false);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    expect(result.current).toMatchObject({ phase: "activating", slow: true });
    expect(fake.sources.poll).toHaveBeenCalledTimes(3);
    act(() => result.current.retry());
    expect(result.current.slow).toBe(false);
    expect(fake.sources.sync).toHaveBeenCalledTimes(2);
    expect(fake.sources.subscribe).toHaveBeenCalledTimes(2);
  });

  it("fails for good when the checkout belongs to someone else", async () => {
    const fake = fakeSources({
      sync: vi.fn(async () => {
        throw new ApiError("session_not_yours", "no", 403);
      }),
    });
    const { result } = renderHook(() => useActivation(fake.sources));
    await act(async () => {});
    expect(result.current.phase).toBe("failed");
    expect(result.current.error).toMatchObject({ code: "session_not_yours" });
  });

  it("keeps waiting on other sources when the sync is disabled", async () => {
    const fake = fakeSources({ sync: vi.fn(async () => null) });
    const { result } = renderHook(() => useActivation(fake.sources));
    await act(async () => {});
    expect(result.current.phase).toBe("activating");
    act(() => fake.push(ACTIVE));
    expect(result.current.phase).toBe("active");
  });
});
