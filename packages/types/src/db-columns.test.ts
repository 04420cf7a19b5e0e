import { describe, expect, test } from "vitest";
import { billingInterval, currencyOptions, isPurchaseStatus, jsonObject, stringMetadata } from "./db-columns.ts";

describe("the columns the generated types call string or Json", () => {
  test.each(["paid", "refunded", "disputed"])("purchases.status %s is one the check constraint allows", (status) => {
    expect(isPurchaseStatus(status)).toBe(true);
  });

  test("purchases.status pending is not one the check constraint allows", () => {
    expect(isPurchaseStatus("pending")).toBe(false);
  });

  test.each([
    ["month", "month"],
    ["year", "year"],
    [null, null],
    ["fortnight", null],
  ])("prices.interval %s narrows to %s", (interval, expected) => {
    expect(billingInterval(interval)).toBe(expected);
  });

  test("currency_options keeps the entries with an amount, as upsert_price stores them", () => {
    expect(
      currencyOptions({ usd: { unit_amount: 1000, tax_behavior: "exclusive" }, gbp: { unit_amount: null }, chf: 3 }),
    ).toEqual({ usd: { unitAmount: 1000, taxBehavior: "exclusive" } });
    expect(currencyOptions(null)).toEqual({});
    expect(currencyOptions([{ unit_amount: 1 }])).toEqual({});
  });

  test("metadata keeps string values only; a jsonb object is told from arrays and scalars", () => {
    expect(stringMetadata({ name_fr: "Pro", n: 2, x: null })).toEqual({ name_fr: "Pro" });
    expect(jsonObject({ a: 1 })).toEqual({ a: 1 });
    expect(jsonObject([1])).toBeNull();
    expect(jsonObject("x")).toBeNull();
    expect(jsonObject(null)).toBeNull();
  });
});
