import { describe, expect, it } from "vitest";
import { authErrorMessageKey } from "./auth-error-message.ts";

describe("authErrorMessageKey", () => {
  it.each([
    [{ code: "invalid_credentials", status: 400 }, "auth.error.invalid_credentials"],
    [{ message: "Invalid login credentials", status: 400 }, "auth.error.invalid_credentials"],
    [{ code: "weak_password", status: 422 }, "auth.error.weak_password"],
    [{ code: "user_already_exists", status: 422 }, "auth.error.user_already_exists"],
    [{ code: "email_exists", status: 422 }, "auth.error.user_already_exists"],
    [{ code: "over_request_rate_limit", status: 429 }, "auth.error.rate_limit"],
    [{ name: "AuthRetryableFetchError", status: 0 }, "auth.error.network"],
    [{ code: "something_new", status: 500 }, "auth.error.generic"],
    ["a string", "auth.error.generic"],
  ])("maps %j to %s", (error, key) => {
    expect(authErrorMessageKey(error)).toBe(key);
  });
});
