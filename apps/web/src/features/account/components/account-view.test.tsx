import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Locale } from "@/features/i18n/index.ts";
import { ApiError } from "@/lib/api-error.ts";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import { type AccountEntitlement, AccountView, type PortalDeps } from "./account-view.tsx";

const ACTIVE: AccountEntitlement = {
  active: true,
  status: "active",
  current_period_end: "2027-03-04T12:00:00Z",
  cancel_at: null,
};

function setup(
  entitlement: AccountEntitlement | null,
  locale: Locale = "en",
  deps?: Partial<PortalDeps>,
  lifetime = false,
) {
  const portalDeps: PortalDeps = {
    portal: vi.fn(async () => ({ url: "https://portal.test/p_1" })),
    redirect: vi.fn(),
    ...deps,
  };
  const onSignOut = vi.fn();
  renderWithProviders(
    <AccountView
      email="ada@example.com"
      accessToken="jwt-1"
      entitlement={entitlement}
      planName="Gatehouse Pro"
      onSignOut={onSignOut}
      deps={portalDeps}
      lifetime={lifetime}
    />,
    { locale },
  );
  return { portalDeps, onSignOut };
}

describe("AccountView", () => {
  it("shows the plan, the status and the renewal date", () => {
    setup(ACTIVE);
    expect(screen.getByTestId("account-plan").textContent).toBe("Gatehouse Pro");
    expect(screen.getByTestId("account-status").textContent).toBe("Active");
    expect(screen.getByTestId("account-renews").textContent).toBe("Renews on March 4, 2027");
    expect(screen.queryByTestId("account-ends-on")).toBeNull();
  });

  it("shows “Ends on …” instead of a renewal when a cancellation is pending", () => {
    setup({ ...ACTIVE, cancel_at: "2027-03-04T12:00:00Z" });
    expect(screen.getByTestId("account-ends-on").textContent).toContain("Ends on March 4, 2027");
    expect(screen.queryByTestId("account-renews")).toBeNull();
  });

  it("says it in French with a French date", () => {
    setup({ ...ACTIVE, cancel_at: "2027-03-04T12:00:00Z" }, "fr");
    expect(screen.getByTestId("account-ends-on").textContent).toContain("Se termine le 4 mars 2027");
  });

  it("warns about a past-due payment and links to fixing it in the portal", async () => {
    const { portalDeps } = setup({ ...ACTIVE, active: false, status: "past_due" });
    const warning = screen.getByTestId("account-past-due");
    expect(warning.textContent).toContain("Your last payment failed.");
    expect(screen.getByTestId("account-status").textContent).toBe("Payment past due");
    fireEvent.click(screen.getByRole("button", { name: "Fix payment" }));
    await waitFor(() => expect(portalDeps.redirect).toHaveBeenCalledWith("https://portal.test/p_1"));
    expect(portalDeps.portal).toHaveBeenCalledWith({ locale: "en", accessToken: "jwt-1" });
  });

  it("opens the billing portal in the user's language", async () => {
    const { portalDeps } = setup(ACTIVE, "fr");
    fireEvent.click(screen.getByRole("button", { name: "Gérer la facturation" }));
    await waitFor(() => expect(portalDeps.portal).toHaveBeenCalledWith({ locale: "fr", accessToken: "jwt-1" }));
  });

  it("explains a portal failure without showing raw JSON", async () => {
    setup(ACTIVE, "en", {
      portal: vi.fn(async () => {
        throw new ApiError("no_customer", '{"error":"raw"}', 404, "req_7");
      }),
    });
    fireEvent.click(screen.getByRole("button", { name: "Manage billing" }));
    const error = await screen.findByTestId("account-error");
    expect(error.textContent).toBe("There is no billing account yet. Subscribe to a plan first.");
  });

  it("opens the billing portal for a lifetime owner without a subscription (invoices, tax IDs)", async () => {
    const { portalDeps } = setup(null, "fr", undefined, true);
    expect(screen.queryByTestId("account-no-plan")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Gérer la facturation" }));
    await waitFor(() => expect(portalDeps.redirect).toHaveBeenCalledWith("https://portal.test/p_1"));
  });

  it("offers the plans to someone without a subscription, and sign out", () => {
    const { onSignOut } = setup(null);
    expect(screen.getByTestId("account-no-plan").textContent).toContain("You do not have a subscription yet.");
    expect(screen.queryByRole("button", { name: "Manage billing" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(onSignOut).toHaveBeenCalled();
  });
});
