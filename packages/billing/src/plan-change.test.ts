import { describe, expect, test } from "vitest";
import { amountPerMonth, type PlanPriceFacts, planChangeTiming, switchAtPeriodEnd } from "./plan-change.ts";

const BASIC = ["library.basic"];
const PRO = ["downloads", "library.basic", "library.pro"];
const price = (priceId: string, unitAmount: number, interval: PlanPriceFacts["interval"], features: string[]) => ({
  priceId,
  unitAmount,
  interval,
  intervalCount: 1,
  features,
});
const basicMonthly = price("basic_m", 900, "month", BASIC);
const basicYearly = price("basic_y", 9000, "year", BASIC);
const proMonthly = price("pro_m", 1900, "month", PRO);
const proYearly = price("pro_y", 19000, "year", PRO);

describe("planChangeTiming", () => {
  test.each([
    ["Basic monthly → Pro monthly (more features)", basicMonthly, proMonthly, "now"],
    ["Basic monthly → Pro yearly (more features, longer)", basicMonthly, proYearly, "now"],
    ["Basic yearly → Pro yearly", basicYearly, proYearly, "now"],
    ["Basic yearly → Pro monthly (shorter interval)", basicYearly, proMonthly, "period_end"],
    ["Pro monthly → Basic monthly (fewer features)", proMonthly, basicMonthly, "period_end"],
    ["Pro yearly → Basic monthly (fewer, shorter)", proYearly, basicMonthly, "period_end"],
    ["Pro yearly → Pro monthly (shorter)", proYearly, proMonthly, "period_end"],
    ["Basic monthly → Basic yearly (same features, less per month)", basicMonthly, basicYearly, "period_end"],
    ["same features, a higher amount per month", basicMonthly, price("basic_m_plus", 1200, "month", BASIC), "now"],
    ["a tier that loses a feature", proMonthly, price("other", 5000, "month", ["other"]), "period_end"],
  ] as const)("%s → %s", (_name, from, to, want) => {
    expect(planChangeTiming(from, to)).toBe(want);
  });
});

describe("amountPerMonth", () => {
  test("normalizes yearly and weekly prices to a month", () => {
    expect(amountPerMonth(basicYearly)).toBe(750);
    expect(amountPerMonth({ unitAmount: 5200, interval: "week", intervalCount: 1 })).toBe(22_533.333333333332);
    expect(amountPerMonth({ unitAmount: 1800, interval: "month", intervalCount: 2 })).toBe(900);
  });
});

describe("switchAtPeriodEnd", () => {
  const item = { price: { id: "price_pro" }, quantity: 2, current_period_start: 100, current_period_end: 200 };

  test("keeps the price and quantity until the period ends, then switches and releases", () => {
    const phases = [{ start_date: 90 }];
    expect(switchAtPeriodEnd({ current_phase: { start_date: 100 }, phases }, item, "price_basic")).toEqual({
      end_behavior: "release",
      phases: [
        { items: [{ price: "price_pro", quantity: 2 }], start_date: 100, end_date: 200 },
        { items: [{ price: "price_basic", quantity: 2 }] },
      ],
    });
  });

  test("a schedule not started yet starts at its first phase, or else at the period's start", () => {
    const first = switchAtPeriodEnd({ current_phase: null, phases: [{ start_date: 90 }] }, item, "price_basic");
    expect(first.phases?.[0]?.start_date).toBe(90);
    const none = switchAtPeriodEnd({ current_phase: null, phases: [] }, { ...item, quantity: undefined }, "b");
    expect(none.phases?.[0]).toMatchObject({ start_date: 100, items: [{ price: "price_pro", quantity: 1 }] });
  });
});
