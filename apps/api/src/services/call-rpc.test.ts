import { describe, expect, test } from "vitest";
import { isOutage } from "./call-rpc.ts";

describe("isOutage", () => {
  test.each([
    [{ code: "08006" }, 503, true],
    [{ code: "53300" }, 503, true],
    [{ code: "57P01" }, 500, true],
    [{ code: "PGRST001" }, 503, true],
    [{ code: "" }, 0, true],
    [{ code: "fault_injected" }, 503, true],
    [{}, 502, true],
    [{ code: "P0002" }, 500, false],
    [{ code: "P0001" }, 400, false],
    [{ code: "23505" }, 409, false],
    [{ code: "42501" }, 403, false],
    [{ code: "PGRST202" }, 404, false],
  ])("%j with HTTP %i → %s", (error, status, want) => {
    expect(isOutage(error, status)).toBe(want);
  });
});
