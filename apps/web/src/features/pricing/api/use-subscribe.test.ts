import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api-error.ts";
import { type SubscribeDeps, subscribeToPrice } from "./use-subscribe.ts";

function deps(overrides: Partial<SubscribeDeps> = {}): SubscribeDeps {
  return {
    checkout: vi.fn(async () => ({ url: "https://checkout.test/cs_1", id: "cs_1" })),
    portal: vi.fn(async () => ({ url: "https://portal.test/bps_1" })),
    redirect: vi.fn(),
    ...overrides,
  };
}

describe("subscribeToPrice", () => {
  it("redirects to the checkout URL, passing the price and the locale", async () => {
    const d = deps();
    await expect(subscribeToPrice({ priceId: "price_m", locale: "fr", accessToken: "jwt" }, d)).resolves.toBe(
      "checkout",
    );
    expect(d.checkout).toHaveBeenCalledWith({ priceId: "price_m", locale: "fr", accessToken: "jwt" });
    expect(d.redirect).toHaveBeenCalledWith("https://checkout.test/cs_1");
  });

  it("sends a subscriber (409 already_subscribed) to the billing portal instead", async () => {
    const d = deps({
      checkout: vi.fn(async () => {
        throw new ApiError("already_subscribed", "already", 409);
      }),
    });
    await expect(subscribeToPrice({ priceId: "price_m", locale: "en", accessToken: "jwt" }, d)).resolves.toBe("portal");
    expect(d.portal).toHaveBeenCalledWith({ locale: "en", accessToken: "jwt" });
    expect(d.redirect).toHaveBeenCalledWith("https://portal.test/bps_1");
  });

  it("does not redirect on other errors", async () => {
    const d = deps({
      checkout: vi.fn(async () => {
        throw new ApiError("invalid_price", "bad", 400);
      }),
    });
    await expect(subscribeToPrice({ priceId: "x", locale: "en", accessToken: "jwt" }, d)).rejects.toMatchObject({
      code: "invalid_price",
    });
    expect(d.redirect).not.toHaveBeenCalled();
  });
});
