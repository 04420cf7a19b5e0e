import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import type { ActivationState } from "../api/use-activation.ts";
import { ActivationPanel } from "./activation-panel.tsx";

const base: ActivationState = { phase: "activating", slow: false, source: null, error: null };

describe("ActivationPanel", () => {
  it("announces the activation with a progress bar", () => {
    renderWithProviders(<ActivationPanel activation={{ ...base, retry: vi.fn() }} />);
    expect(screen.getByRole("status").textContent).toBe("Activating your subscription…");
    expect(screen.getByRole("progressbar", { name: "Activation progress" })).toBeTruthy();
    expect(screen.queryByTestId("activation-slow")).toBeNull();
  });

  it("says it is taking longer than usual and retries on request", () => {
    const retry = vi.fn();
    renderWithProviders(<ActivationPanel activation={{ ...base, slow: true, retry }} />, { locale: "fr" });
    expect(screen.getByTestId("activation-slow").textContent).toContain("Cela prend plus de temps que d’habitude.");
    fireEvent.click(screen.getByRole("button", { name: "Réessayer" }));
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it("says when the checkout was not paid", () => {
    renderWithProviders(<ActivationPanel activation={{ ...base, phase: "not_paid", retry: vi.fn() }} />);
    expect(screen.getByRole("alert").textContent).toContain("This checkout was not paid.");
  });
});
