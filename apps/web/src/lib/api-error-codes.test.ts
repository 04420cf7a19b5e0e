// The SPA's lists of API error codes name only codes the API sends: every code in them is in the
// API's one map from code to status (apps/api/src/errors.ts).
import { API_ERROR_STATUS } from "@gatehouse/api/errors";
import { describe, expect, it } from "vitest";
import { FATAL_CODES } from "@/features/billing/api/use-activation.ts";
import { KNOWN } from "./api-error-message.ts";

const CLIENT_CODES = ["network_error"];

describe("the SPA's API error codes", () => {
  it.each([
    ["the activation's fatal codes", [...FATAL_CODES]],
    ["the codes with their own message", Object.keys(KNOWN).filter((code) => !CLIENT_CODES.includes(code))],
  ])("%s are codes the API sends", (_label, codes) => {
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(Object.keys(API_ERROR_STATUS), code).toContain(code);
  });

  it("a code with its own message needs no request id: a 4xx, or an outage to retry", () => {
    for (const code of Object.keys(KNOWN).filter((c) => !CLIENT_CODES.includes(c))) {
      const status = API_ERROR_STATUS[code as keyof typeof API_ERROR_STATUS];
      expect(status < 500 || code === "upstream_unavailable", code).toBe(true);
    }
  });
});
