import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, test, vi } from "vitest";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import { ConfirmButton } from "./confirm-button.tsx";

describe("ConfirmButton", () => {
  test("asks first, focuses Confirm, and runs the action only when confirmed", () => {
    const action = vi.fn();
    renderWithProviders(<ConfirmButton label="Re-sync from Stripe" onConfirm={action} />);
    fireEvent.click(screen.getByRole("button", { name: "Re-sync from Stripe" }));
    expect(action).not.toHaveBeenCalled();
    expect(screen.getByRole("group", { name: "Re-sync from Stripe: are you sure?" })).toBeTruthy();
    const confirm = screen.getByRole("button", { name: "Confirm" });
    expect(document.activeElement).toBe(confirm);
    fireEvent.click(confirm);
    expect(action).toHaveBeenCalledTimes(1);
  });

  test("Escape and Cancel close the question without acting, in French too", () => {
    const action = vi.fn();
    renderWithProviders(<ConfirmButton label="Rejouer" onConfirm={action} />, { locale: "fr" });
    fireEvent.click(screen.getByRole("button", { name: "Rejouer" }));
    fireEvent.keyDown(screen.getByRole("button", { name: "Confirmer" }), { key: "Escape" });
    expect(screen.queryByRole("button", { name: "Confirmer" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Rejouer" }));
    fireEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(action).not.toHaveBeenCalled();
  });
});
