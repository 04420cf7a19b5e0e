import { renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useOnBackNavigation } from "./use-on-back-navigation.ts";

function pageshow(persisted: boolean): Event {
  const event = new Event("pageshow");
  Object.defineProperty(event, "persisted", { value: persisted });
  return event;
}

describe("useOnBackNavigation", () => {
  it("calls back only when the page is restored from the back/forward cache", () => {
    const callback = vi.fn();
    const { unmount } = renderHook(() => useOnBackNavigation(callback));
    window.dispatchEvent(pageshow(false));
    expect(callback).not.toHaveBeenCalled();
    window.dispatchEvent(pageshow(true));
    expect(callback).toHaveBeenCalledTimes(1);
    unmount();
    window.dispatchEvent(pageshow(true));
    expect(callback).toHaveBeenCalledTimes(1);
  });
});
