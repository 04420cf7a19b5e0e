import { describe, expect, test } from "vitest";
import { deriveEntitlement, hasFeature, NO_ENTITLEMENT, pendingCancelAt, statusGrantsAccess } from "./entitlement.ts";
import { CASE_NOW, ENTITLEMENT_CASES, sub } from "./entitlement-cases.ts";

describe("deriveEntitlement", () => {
  test.each(ENTITLEMENT_CASES)("$name", ({ subs, pastDueGraceMs, expect: want }) => {
    const got = deriveEntitlement(subs, { pastDueGraceMs: pastDueGraceMs ?? 0, now: CASE_NOW });
    const picked = Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof typeof got]]));
    expect(picked).toEqual(want);
  });

  test("returns the empty entitlement for no subscriptions", () => {
    expect(deriveEntitlement([], { pastDueGraceMs: 0, now: CASE_NOW })).toEqual(NO_ENTITLEMENT);
  });

  test("does not depend on the order subscriptions are given in", () => {
    const subs = [
      sub({ id: "sub_c", status: "canceled" }),
      sub({ id: "sub_a" }),
      sub({ id: "sub_u", status: "unpaid" }),
    ];
    const rules = { pastDueGraceMs: 0, now: CASE_NOW };
    const forward = deriveEntitlement(subs, rules);
    expect(deriveEntitlement([...subs].reverse(), rules)).toEqual(forward);
    expect(forward.subscriptionId).toBe("sub_a");
  });
});

describe("statusGrantsAccess", () => {
  test.each([
    ["active", true],
    ["trialing", true],
    ["past_due", false],
    ["unpaid", false],
    ["canceled", false],
    ["incomplete", false],
    ["incomplete_expired", false],
    ["paused", false],
  ] as const)("%s → %s with the default rules", (status, want) => {
    expect(statusGrantsAccess(status, CASE_NOW, { pastDueGraceMs: 0, now: CASE_NOW })).toBe(want);
  });
});

describe("pendingCancelAt", () => {
  test("prefers cancel_at over the period end", () => {
    expect(pendingCancelAt(sub({ id: "s", cancelAt: 5, cancelAtPeriodEnd: true }))).toBe(5);
  });
  test("is null when nothing is pending", () => {
    expect(pendingCancelAt(sub({ id: "s" }))).toBeNull();
  });
});

describe("hasFeature", () => {
  test.each([
    [true, ["library.basic"], "library.basic", true],
    [true, ["library.basic"], "library.pro", false],
    [false, ["library.basic"], "library.basic", false],
    [true, [], "library.basic", false],
  ] as const)("active=%s features=%j asks %s → %s", (active, features, feature, want) => {
    expect(hasFeature({ active, features: [...features] }, feature)).toBe(want);
  });
});
