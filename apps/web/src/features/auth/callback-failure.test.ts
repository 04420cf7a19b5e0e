import { describe, expect, it } from "vitest";
import { callbackFailure } from "./callback-failure.ts";

const base = "https://app.example/auth/callback?next=%2Flibrary";

describe("callbackFailure", () => {
  it.each([
    ["a used link (PKCE: error in the query)", `${base}&error=access_denied&error_code=otp_expired`, null, "expired"],
    [
      "a used link (implicit: error in the fragment)",
      `${base}#error=access_denied&error_code=otp_expired`,
      null,
      "expired",
    ],
    ["an auth code redeemed too late", `${base}&code=c0de`, "flow_state_expired", "expired"],
    ["an auth code already redeemed", `${base}&code=c0de`, "flow_state_not_found", "expired"],
    ["a code with no verifier in this browser", `${base}&code=c0de`, null, "other_browser"],
    ["a verifier from a newer request", `${base}&code=c0de`, "bad_code_verifier", "other_browser"],
    ["nothing in the URL at all", base, null, "invalid"],
    ["an unknown error", `${base}&error_code=unexpected_failure`, null, "invalid"],
  ] as const)("%s → %s", (_what, href, initError, expected) => {
    expect(callbackFailure(href, initError)).toBe(expected);
  });
});
