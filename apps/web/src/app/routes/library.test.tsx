import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setSavedSessionAtBoot } from "@/features/auth/saved-session.ts";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import LibraryRoute from "./library.tsx";

// supabase-js has not restored the session yet (and no read leaves the test).
vi.mock("@/features/auth/api/use-session.ts", () => ({ useSession: () => ({ status: "loading" }) }));
vi.mock("@/lib/supabase.ts", () => ({ getSupabase: () => new Promise(() => undefined) }));

describe("the library before supabase-js has restored the session", () => {
  afterEach(() => setSavedSessionAtBoot(undefined));

  it("shows a visitor (no session saved in this browser) the locked state at once", () => {
    setSavedSessionAtBoot(false);
    renderWithProviders(<LibraryRoute />, { route: "/library" });
    expect(screen.getByTestId("locked-state").textContent).toContain("Subscribe to unlock the library");
  });

  it("shows a browser with a saved session the skeleton, not the locked state", () => {
    setSavedSessionAtBoot(true);
    renderWithProviders(<LibraryRoute />, { route: "/library" });
    expect(screen.queryByTestId("locked-state")).toBeNull();
    expect(screen.getAllByRole("status").map((s) => s.textContent)).toContain("Loading…");
  });
});
