import { describe, expect, it } from "vitest";
import { type EntitlementRow, withAccessAsOf } from "./entitlement-row.ts";

const row = (over: Partial<EntitlementRow> = {}): EntitlementRow => ({
  user_id: "u1",
  active: true,
  entitlement: "pro",
  status: "past_due",
  subscription_id: "sub_1",
  price_id: "price_pro_monthly",
  current_period_end: null,
  cancel_at: null,
  access_ends_at: null,
  features: ["library.pro"],
  source: "subscription",
  trial_end: null,
  scheduled_price_id: null,
  scheduled_at: null,
  updated_at: "2026-12-01T08:00:00Z",
  ...over,
});
const NOW = Date.parse("2026-12-02T08:00:00Z");

describe("withAccessAsOf", () => {
  it("ends access once the past-due grace has ended, before any re-sync", () => {
    expect(withAccessAsOf(row({ access_ends_at: "2026-12-02T07:59:59Z" }), NOW).active).toBe(false);
  });
  it("keeps access within the grace, and when no end is stored", () => {
    expect(withAccessAsOf(row({ access_ends_at: "2026-12-02T08:00:01Z" }), NOW).active).toBe(true);
    expect(withAccessAsOf(row({ access_ends_at: null }), NOW).active).toBe(true);
    expect(withAccessAsOf(row(), NOW).active).toBe(true);
  });
  it("never grants access the row does not", () => {
    expect(withAccessAsOf(row({ active: false, access_ends_at: "2027-01-01T00:00:00Z" }), NOW).active).toBe(false);
  });
});
