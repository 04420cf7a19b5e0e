import { afterEach, describe, expect, it } from "vitest";
import { hasSavedSession, savedSessionAtBoot, setSavedSessionAtBoot } from "./saved-session.ts";

function storage(keys: string[]) {
  return () => ({ length: keys.length, key: (i: number) => keys[i] ?? null });
}

describe("hasSavedSession", () => {
  it("is false only when no supabase-js auth key is stored", () => {
    expect(hasSavedSession(storage([]))).toBe(false);
    expect(hasSavedSession(storage(["gatehouse.locale", "gatehouse.currency", "sb-other"]))).toBe(false);
    expect(hasSavedSession(storage(["gatehouse.locale", "sb-127-auth-token"]))).toBe(true);
    expect(hasSavedSession(storage(["sb-abcdef-auth-token-code-verifier"]))).toBe(true);
  });

  it("says a session may be there when storage cannot be read (the page waits for supabase-js)", () => {
    expect(
      hasSavedSession(() => {
        throw new DOMException("blocked", "SecurityError");
      }),
    ).toBe(true);
  });
});

describe("savedSessionAtBoot", () => {
  afterEach(() => setSavedSessionAtBoot(undefined));

  it("reads this browser's storage once, so every render of the page load agrees", () => {
    window.localStorage.setItem("sb-127-auth-token", "{}");
    expect(savedSessionAtBoot()).toBe(true);
    window.localStorage.removeItem("sb-127-auth-token");
    expect(savedSessionAtBoot()).toBe(true);
    setSavedSessionAtBoot(undefined);
    expect(savedSessionAtBoot()).toBe(false);
  });
});
