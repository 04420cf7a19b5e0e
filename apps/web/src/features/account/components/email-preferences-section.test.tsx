import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { createTestQueryClient, renderWithProviders } from "@/testing/render-with-providers.tsx";
import { emailPreferencesQueryOptions } from "../api/email-preferences.ts";
import { EmailPreferencesSection } from "./email-preferences-section.tsx";

function setup(lifecycleEmails: boolean, locale: "en" | "fr" = "en", fail = false) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(emailPreferencesQueryOptions("user-1").queryKey, { lifecycleEmails, locale: null });
  const save = vi.fn(async (input: { lifecycleEmails: boolean; locale: "en" | "fr"; accessToken: string }) => {
    if (fail) throw new Error("network");
    return { lifecycleEmails: input.lifecycleEmails, locale: input.locale };
  });
  renderWithProviders(<EmailPreferencesSection userId="user-1" accessToken="token-1" save={save} />, {
    queryClient,
    locale,
  });
  return { save };
}

describe("EmailPreferencesSection", () => {
  it("shows the current choice and says receipts and failed payments always go", () => {
    setup(true);
    const box = screen.getByTestId("lifecycle-emails") as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(screen.getByText("Receipts and failed payments are always sent.")).toBeTruthy();
  });

  it("turning them off saves the choice with the page's language", async () => {
    const { save } = setup(true, "fr");
    fireEvent.click(screen.getByTestId("lifecycle-emails"));
    await waitFor(() =>
      expect(save).toHaveBeenCalledWith({ lifecycleEmails: false, locale: "fr", accessToken: "token-1" }),
    );
    await waitFor(() => expect((screen.getByTestId("lifecycle-emails") as HTMLInputElement).checked).toBe(false));
    expect(screen.getByText("Les reçus et les paiements échoués sont toujours envoyés.")).toBeTruthy();
  });

  it("says so when the choice could not be saved", async () => {
    setup(false, "en", true);
    fireEvent.click(screen.getByTestId("lifecycle-emails"));
    expect(await screen.findByText("Your choice could not be saved. Try again.")).toBeTruthy();
  });
});
