import { screen, within } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import { AccessStory } from "./access-story.tsx";

const facts = {
  active: true,
  status: "past_due",
  planName: "Pro",
  amount: 900,
  currency: "eur",
  interval: "month" as const,
  currentPeriodEnd: "2027-01-03T10:00:00Z",
  cancelAt: null,
  accessEndsAt: "2026-12-09T08:00:00Z",
  trialEnd: null,
  scheduledChange: null,
};
const history = [
  {
    id: 2,
    at: "2026-12-02T08:00:00Z",
    cause: "webhook:invoice.payment_failed",
    before: { active: true, status: "active" },
    after: { active: true, status: "past_due" },
  },
  {
    id: 1,
    at: "2026-11-02T08:00:00Z",
    cause: "checkout_sync",
    before: null,
    after: { active: true, status: "active" },
  },
];
const now = new Date("2026-12-02T12:00:00Z");

describe("AccessStory", () => {
  test("shows the sentence and the history with each cause, in English", () => {
    renderWithProviders(<AccessStory facts={facts} history={history} now={now} />);
    expect(screen.getByTestId("access-sentence").textContent).toMatch(/^Your payment of €9 failed on 2 December/);
    const items = within(screen.getByTestId("access-history")).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringContaining("Payment failedStripe event invoice.payment_failed"),
      expect.stringContaining("Access grantedsynced when you came back from Stripe"),
    ]);
    expect(screen.getByRole("heading", { name: "What changed, and why" })).toBeTruthy();
  });

  test("in French", () => {
    renderWithProviders(<AccessStory facts={facts} history={[]} now={now} />, { locale: "fr" });
    expect(screen.getByTestId("access-sentence").textContent).toMatch(/^Votre paiement de 9\s€ a échoué/);
    expect(screen.getByText("Rien n’a encore changé.")).toBeTruthy();
  });
});
