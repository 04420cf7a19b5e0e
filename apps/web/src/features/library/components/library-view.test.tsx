import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createTestQueryClient, renderWithProviders } from "@/testing/render-with-providers.tsx";
import { type Lesson, premiumContentQueryOptions } from "../api/get-premium-content.ts";
import { type LessonPreview, previewsQueryOptions } from "../api/get-previews.ts";
import { LibraryView } from "./library-view.tsx";

const PREVIEWS: LessonPreview[] = [
  { slug: "one", title: "First steps", summary: "Where to begin.", entitlement: "pro", position: 1 },
  { slug: "two", title: "Going further", summary: "The next level.", entitlement: "pro", position: 2 },
];
const LESSONS: Lesson[] = PREVIEWS.map((p) => ({ ...p, body: `Body of ${p.title}.\n\nSecond paragraph.` }));

function setup(userId: string | null, lessons: Lesson[]) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(premiumContentQueryOptions(userId).queryKey, lessons);
  queryClient.setQueryData(previewsQueryOptions().queryKey, PREVIEWS);
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

  it("invites a signed-out visitor to sign in as well", () => {
    setup(null, []);
    expect(screen.getByTestId("locked-state")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/sign-in?next=%2Flibrary");
  });
});
