import type { ApiErrorCode } from "@gatehouse/types";
import { describe, expect, it } from "vitest";
import { ApiError, type ClientErrorCode } from "./api-error.ts";
import { apiErrorMessageKey, apiErrorReference } from "./api-error-message.ts";

describe("apiErrorMessageKey", () => {
  it.each<[ApiErrorCode | ClientErrorCode, number, string]>([
    ["unauthenticated", 401, "api.error.unauthenticated"],
    ["invalid_price", 400, "api.error.invalid_price"],
    ["already_subscribed", 409, "api.error.already_subscribed"],
    ["no_customer", 404, "api.error.no_customer"],
    ["session_not_yours", 403, "api.error.session_not_yours"],
    ["network_error", 0, "api.error.network_error"],
    ["rate_limited", 429, "api.error.rate_limited"],
    ["internal_error", 500, "api.error.generic"],
  ])("maps the %s code to its message", (code, status, key) => {
    expect(apiErrorMessageKey(new ApiError(code, "raw", status, "req_1"))).toBe(key);
  });

  it("uses the generic message for non-API errors", () => {
    expect(apiErrorMessageKey(new Error("boom"))).toBe("api.error.generic");
  });

  it("quotes the request id only for errors the user cannot act on", () => {
    expect(apiErrorReference(new ApiError("internal_error", "raw", 500, "req_42"))).toBe("req_42");
    expect(apiErrorReference(new ApiError("invalid_price", "raw", 400, "req_43"))).toBeNull();
  });
});
