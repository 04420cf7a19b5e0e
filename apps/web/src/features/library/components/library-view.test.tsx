import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type Plan, plansQueryOptions } from "@/features/pricing/api/get-plans.ts";
import { createTestQueryClient, renderWithProviders } from "@/testing/render-with-providers.tsx";
import { type Lesson, premiumContentQueryOptions } from "../api/get-premium-content.ts";
import { type LessonPreview, previewsQueryOptions } from "../api/get-previews.ts";
import { LibraryView } from "./library-view.tsx";

// A read not set in the cache stays under way (nothing leaves the test).
vi.mock("@/lib/supabase.ts", () => ({ getSupabase: () => new Promise(() => undefined) }));

const PREVIEWS: LessonPreview[] = [
  { slug: "one", title: "First steps", summary: "Where to begin.", feature: "library.basic", position: 1 },
  { slug: "two", title: "Going further", summary: "The next level.", feature: "library.basic", position: 2 },
];
const PRO_ROW: LessonPreview = {
  slug: "three",
  title: "Advanced track",
  summary: "For Pro.",
  feature: "library.pro",
  position: 3,
};
const PLANS: Plan[] = [
  { id: "prod_basic", name: "Basic", description: null, entitlement: "basic", features: ["library.basic"], prices: [] },
  {
    id: "prod_pro",
    name: "Pro",
    description: null,
    entitlement: "pro",
    features: ["library.basic", "library.pro"],
    prices: [],
    translations: { fr: { name: "Pro (FR)" } },
  },
];
const LESSONS: Lesson[] = PREVIEWS.map((p) => ({ ...p, body: `Body of ${p.title}.\n\nSecond paragraph.` }));

function setup(userId: string | null, lessons: Lesson[], previews: LessonPreview[] = PREVIEWS) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(premiumContentQueryOptions(userId).queryKey, lessons);
  queryClient.setQueryData(previewsQueryOptions().queryKey, previews);
  queryClient.setQueryData(plansQueryOptions().queryKey, PLANS);
  renderWithProviders(<LibraryView userId={userId} signInHref="/sign-in?next=%2Flibrary" />, { queryClient });
}

describe("LibraryView", () => {
  it("shows the lessons the database returned", () => {
    setup("user-1", LESSONS);
    const content = screen.getByTestId("premium-content");
    expect(content.textContent).toContain("Body of First steps.");
    expect(screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent)).toEqual([
      "First steps",
      "Going further",
    ]);
    expect(screen.queryByTestId("locked-state")).toBeNull();
  });

  it("shows the locked state with previews and no bodies when the database returns nothing", () => {
    setup("user-1", []);
    const locked = screen.getByTestId("locked-state");
    expect(locked.textContent).toContain("Subscribe to unlock the library");
    expect(locked.textContent).toContain("Going further");
    expect(locked.textContent).not.toContain("Body of");
    expect(screen.getByRole("link", { name: "See the plans" }).getAttribute("href")).toBe("/#pricing");
  });

  it("shows the rows of other plans locked, tagged with the plan that unlocks them", () => {
    setup("user-1", LESSONS, [...PREVIEWS, PRO_ROW]);
    expect(screen.getByTestId("premium-content").textContent).toContain("Body of Going further.");
    const locked = screen.getByTestId("locked-rows");
    expect(locked.textContent).toContain("Advanced track");
    expect(locked.textContent).toContain("Unlocks with Pro");
    expect(locked.textContent).not.toContain("First steps");
  });

  it("tags every locked row with its plan for someone without access", () => {
    setup("user-1", [], [...PREVIEWS, PRO_ROW]);
    const rows = screen.getByTestId("locked-rows");
    expect(rows.textContent).toContain("Unlocks with Basic");
    expect(rows.textContent).toContain("Unlocks with Pro");
  });

  it("invites a signed-out visitor to sign in as well", () => {
    setup(null, []);
    expect(screen.getByTestId("locked-state")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/sign-in?next=%2Flibrary");
  });

  it("draws a visitor's locked state at once, its previews as placeholders until they are read", () => {
    const { queryClient } = renderWithProviders(<LibraryView userId={null} signInHref="/sign-in" />);
    const locked = screen.getByTestId("locked-state");
    expect(locked.textContent).toContain("Subscribe to unlock the library");
    expect(within(locked).getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByTestId("locked-rows")).toBeNull();
    // A visitor has no premium rows to read.
    expect(queryClient.getQueryState(premiumContentQueryOptions(null).queryKey)?.fetchStatus).toBe("idle");
  });

  it("shows a member the skeleton, never the locked state, until their rows are read", () => {
    renderWithProviders(<LibraryView userId="user-1" signInHref="/sign-in" />);
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByTestId("locked-state")).toBeNull();
  });
});
