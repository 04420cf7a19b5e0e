import type { Tables } from "@gatehouse/types";
import { describe, expect, test } from "vitest";
import { sessionAlreadySynced } from "./sync-user.ts";

const NOW = Date.parse("2026-12-02T12:00:00Z");

const row = (over: Partial<Tables<"entitlements">> = {}): Tables<"entitlements"> => ({
  user_id: "6f1c1f4e-0a39-4c43-9c53-5a8f2c9b1e01",
  active: true,
  entitlement: "basic",
  status: "active",
  subscription_id: "sub_1",
  price_id: "price_monthly",
  current_period_end: "2027-01-02T12:00:00Z",
  cancel_at: null,
  access_ends_at: null,
  features: ["basic"],
  source: "subscription",
  trial_end: null,
  scheduled_price_id: null,
  scheduled_at: null,
  updated_at: "2026-12-02T11:59:59Z",
  ...over,
});

const paid = { mode: "subscription", status: "complete", subscription: "sub_1" } as const;

describe("sessionAlreadySynced", () => {
  test("a paid subscription session whose subscription gives the current access: already synced", () => {
    expect(sessionAlreadySynced(paid, row(), NOW)).toBe(true);
    expect(sessionAlreadySynced({ ...paid, subscription: { id: "sub_1" } as never }, row(), NOW)).toBe(true);
  });

  test("no entitlement yet, or one from another subscription: not synced (the sync reads Stripe)", () => {
    expect(sessionAlreadySynced(paid, null, NOW)).toBe(false);
    expect(sessionAlreadySynced(paid, row({ subscription_id: "sub_0" }), NOW)).toBe(false);
    expect(sessionAlreadySynced(paid, row({ subscription_id: null, source: "purchase" }), NOW)).toBe(false);
  });

  test("access not current: inactive, or ended", () => {
    expect(sessionAlreadySynced(paid, row({ active: false, status: "incomplete" }), NOW)).toBe(false);
    expect(sessionAlreadySynced(paid, row({ access_ends_at: "2026-12-02T11:00:00Z" }), NOW)).toBe(false);
  });

  test("a session not complete, without a subscription, or in payment mode: not synced", () => {
    expect(sessionAlreadySynced({ ...paid, status: "open" }, row(), NOW)).toBe(false);
    expect(sessionAlreadySynced({ ...paid, subscription: null }, row(), NOW)).toBe(false);
    expect(sessionAlreadySynced({ ...paid, mode: "payment" }, row(), NOW)).toBe(false);
  });
});
