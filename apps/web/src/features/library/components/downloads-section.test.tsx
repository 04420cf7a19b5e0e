import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createTestQueryClient, renderWithProviders } from "@/testing/render-with-providers.tsx";
import { type LibraryFile, libraryFilesQueryOptions } from "../api/get-library-files.ts";
import { DownloadsSection } from "./downloads-section.tsx";

const FILES: LibraryFile[] = [
  {
    path: "library.basic/guide.md",
    name: "guide.md",
    feature: "library.basic",
    size: 12_400,
    mimetype: "text/markdown",
    unlocked: true,
    plan: "Basic",
  },
  {
    path: "library.pro/handbook.pdf",
    name: "handbook.pdf",
    feature: "library.pro",
    size: 3_100_000,
    mimetype: "application/pdf",
    unlocked: false,
    plan: "Pro",
  },
];

function setup(userId: string | null, files: LibraryFile[], locale: "en" | "fr" = "en") {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(libraryFilesQueryOptions(userId).queryKey, files);
  renderWithProviders(<DownloadsSection userId={userId} />, { queryClient, locale });
}

describe("DownloadsSection", () => {
  it("offers a download for the unlocked file, with its type and size", () => {
    setup("user-1", FILES);
    const rows = screen.getAllByTestId("library-file");
    expect(rows[0]?.textContent).toContain("guide.md");
    expect(rows[0]?.textContent).toContain("Markdown · 12.4\u00a0KB");
    expect(screen.getByRole("button", { name: "Download guide.md" })).toBeTruthy();
  });

  it("shows the locked file with the plan that unlocks it, and no download button", () => {
    setup("user-1", FILES);
    const locked = screen.getAllByTestId("library-file")[1];
    expect(locked?.getAttribute("data-unlocked")).toBe("false");
    expect(locked?.textContent).toContain("Included in Pro");
    expect(screen.queryByRole("button", { name: "Download handbook.pdf" })).toBeNull();
    expect(screen.getByRole("link", { name: "See the plans" }).getAttribute("href")).toBe("/#pricing");
  });

  it("speaks French", () => {
    setup("user-1", FILES, "fr");
    expect(screen.getByRole("heading", { name: "Téléchargements" })).toBeTruthy();
    expect(screen.getByText("Inclus dans Pro")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Télécharger guide.md" })).toBeTruthy();
  });

  it("says when the bucket is empty", () => {
    setup(null, []);
    expect(screen.getByTestId("downloads").textContent).toContain("No files yet");
  });
});
