import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Locale } from "@/features/i18n/index.ts";
import { createTestQueryClient, renderWithProviders } from "@/testing/render-with-providers.tsx";
import { type Plan, plansQueryOptions } from "../api/get-plans.ts";
import type { SubscribeDeps } from "../api/use-subscribe.ts";
import { PricingSection } from "./pricing-section.tsx";

const PRO: Plan = {
  id: "prod_pro",
  name: "Gatehouse Pro",
  description: "Every lesson, every update.",
  entitlement: "pro",
  features: ["library.basic", "library.pro"],
  translations: { fr: { description: "Toutes les leçons, toutes les mises à jour." } },
  prices: [
    {
      id: "price_m",
      currency: "eur",
      unitAmount: 900,
      interval: "month",
      intervalCount: 1,
      trialPeriodDays: null,
      lookupKey: "pro_monthly",
    },
    {
      id: "price_y",
      currency: "eur",
      unitAmount: 9000,
      interval: "year",
      intervalCount: 1,
      trialPeriodDays: null,
      lookupKey: "pro_yearly",
    },
  ],
};

const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

function setup({
  locale = "en",
  accessToken = null,
  currentPriceId = null,
  hasAccess = false,
  checkoutCanceled = false,
}: {
  locale?: Locale;
  accessToken?: string | null;
  currentPriceId?: string | null;
  hasAccess?: boolean;
  checkoutCanceled?: boolean;
} = {}) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(plansQueryOptions().queryKey, [PRO]);
  const onSignInRequired = vi.fn();
  const deps: SubscribeDeps = {
    checkout: vi.fn(async () => ({ url: "https://checkout.test/cs_1", id: "cs_1" })),
    portal: vi.fn(async () => ({ url: "https://portal.test/p_1" })),
    redirect: vi.fn(),
  };
  renderWithProviders(
    <PricingSection
      accessToken={accessToken}
      currentPriceId={currentPriceId}
      hasAccess={hasAccess}
      onSignInRequired={onSignInRequired}
      checkoutCanceled={checkoutCanceled}
      deps={deps}
    />,
    { locale, queryClient },
  );
  return { onSignInRequired, deps };
}

describe("PricingSection", () => {
  it("shows the monthly price first and the yearly price after the toggle, in English", () => {
    setup();
    const card = screen.getByTestId("plan-card");
    expect(within(card).getByTestId("plan-price").textContent).toBe("€9");
    expect(card.textContent).toContain("per month");

    fireEvent.click(screen.getByRole("radio", { name: /Yearly/ }));
    expect(within(card).getByTestId("plan-price").textContent).toBe("€90");
    expect(card.textContent).toContain("per year");
    expect(card.textContent).toContain("€7.50 a month, billed yearly");
    expect(card.textContent).toContain("Save 17%");
  });

  it("formats prices with Intl in French", () => {
    setup({ locale: "fr" });
    expect(plain(screen.getByTestId("plan-price").textContent)).toBe("9 €");
    fireEvent.click(screen.getByRole("radio", { name: /Annuel/ }));
    expect(plain(screen.getByTestId("plan-price").textContent)).toBe("90 €");
    expect(plain(screen.getByTestId("plan-card").textContent)).toContain("7,50 € par mois, facturé annuellement");
    expect(screen.getByTestId("plan-card").textContent).toContain("Toutes les leçons, toutes les mises à jour.");
  });

  it("asks a signed-out visitor to sign in first, keeping the chosen price", () => {
    const { onSignInRequired, deps } = setup();
    fireEvent.click(screen.getByRole("button", { name: "Subscribe to Gatehouse Pro" }));
    expect(onSignInRequired).toHaveBeenCalledWith("price_m");
    expect(deps.checkout).not.toHaveBeenCalled();
  });

  it("starts checkout with the token and the locale, then redirects", async () => {
    const { deps } = setup({ locale: "fr", accessToken: "jwt-1" });
    fireEvent.click(screen.getByRole("radio", { name: /Annuel/ }));
    fireEvent.click(screen.getByRole("button", { name: "S’abonner à Gatehouse Pro" }));
    await waitFor(() => expect(deps.redirect).toHaveBeenCalledWith("https://checkout.test/cs_1"));
    // The currency comes from the browser's region (EUR here) unless the visitor picks another.
    expect(deps.checkout).toHaveBeenCalledWith({
      priceId: "price_y",
      locale: "fr",
      accessToken: "jwt-1",
      currency: expect.stringMatching(/^(eur|usd)$/),
    });
  });

  it("marks the subscriber's current plan and offers the billing portal instead", async () => {
    const { deps } = setup({ accessToken: "jwt-1", currentPriceId: "price_y", hasAccess: true });
    const card = screen.getByTestId("plan-card");
    expect(card.getAttribute("data-current")).toBe("true");
    expect(within(card).getByText("Current plan")).toBeTruthy();
    expect(screen.getByRole("radio", { name: /Yearly/ })).toHaveProperty("checked", true);
    fireEvent.click(screen.getByRole("button", { name: "Manage billing" }));
    await waitFor(() => expect(deps.redirect).toHaveBeenCalledWith("https://portal.test/p_1"));
    expect(deps.checkout).not.toHaveBeenCalled();
  });

  it("shows an actionable message when the API refuses the price", async () => {
    const { deps } = setup({ accessToken: "jwt-1" });
    const { ApiError } = await import("@/lib/api-error.ts");
    vi.mocked(deps.checkout).mockRejectedValueOnce(new ApiError("invalid_price", "raw message", 400, "req_1"));
    fireEvent.click(screen.getByRole("button", { name: "Subscribe to Gatehouse Pro" }));
    const alert = await screen.findByTestId("pricing-error");
    expect(alert.textContent).toContain("This plan is no longer on sale");
    expect(alert.textContent).not.toContain("raw message");
  });

  it("reassures someone back from a canceled checkout", () => {
    setup({ accessToken: "jwt-1", checkoutCanceled: true });
    expect(screen.getByTestId("checkout-canceled").textContent).toContain("you have not been charged");
  });

  it("offers subscribers Upgrade and Downgrade on the other tiers, and the trial only to those who may have it", () => {
    const basic: Plan = {
      id: "prod_basic",
      name: "Gatehouse Basic",
      description: null,
      entitlement: "basic",
      features: ["library.basic"],
      prices: [{ ...PRO.prices[0], id: "basic_m", unitAmount: 500, trialPeriodDays: null } as Plan["prices"][number]],
    };
    const pro: Plan = {
      ...PRO,
      prices: PRO.prices.map((p) => ({ ...p, unitAmount: p.unitAmount * 2, trialPeriodDays: 7 })),
    };
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(plansQueryOptions().queryKey, [basic, pro]);
    renderWithProviders(
      <PricingSection
        accessToken="jwt-1"
        userId="user-1"
        currentPriceId="basic_m"
        hasAccess
        trialEligible={false}
        onSignInRequired={vi.fn()}
      />,
      { queryClient },
    );
    const [basicCard, proCard] = screen.getAllByTestId("plan-card");
    expect(within(basicCard as HTMLElement).getByTestId("current-plan-badge")).toBeTruthy();
    expect(within(proCard as HTMLElement).getByRole("button", { name: "Switch to Gatehouse Pro" }).textContent).toBe(
      "Upgrade",
    );
    expect(within(proCard as HTMLElement).getByTestId("plan-features").textContent).toContain("Advanced lessons");
    expect(screen.queryByTestId("plan-trial")).toBeNull();
  });
});
