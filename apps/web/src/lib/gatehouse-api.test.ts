import type { CheckoutResponse, PortalResponse, SyncResponse } from "@gatehouse/types";
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as z from "zod/mini";
import { entitlementAnswer, urlAnswer } from "./gatehouse-api.ts";

describe("Gatehouse API answers", () => {
  it("accept what @gatehouse/types says the API returns", () => {
    expectTypeOf<CheckoutResponse>().toExtend<z.infer<typeof urlAnswer>>();
    expectTypeOf<PortalResponse>().toExtend<z.infer<typeof urlAnswer>>();
    expectTypeOf<SyncResponse>().toExtend<z.infer<typeof entitlementAnswer>>();
    const sync: SyncResponse = {
      entitlement: {
        active: true,
        entitlement: "pro",
        status: "active",
        currentPeriodEnd: null,
        cancelAt: null,
        features: ["library.basic"],
        source: "subscription",
        priceId: "price_1",
        trialEnd: null,
        scheduledChange: null,
      },
    };
    expect(entitlementAnswer.parse(sync)).toEqual({
      entitlement: { active: true, entitlement: "pro", status: "active" },
    });
    const checkout: CheckoutResponse = { url: "https://checkout.test/cs_1", id: "cs_1" };
    expect(urlAnswer.parse(checkout)).toEqual({ url: "https://checkout.test/cs_1" });
  });

  it("refuse an answer without a URL", () => {
    expect(urlAnswer.safeParse({ url: "" }).success).toBe(false);
  });
});
