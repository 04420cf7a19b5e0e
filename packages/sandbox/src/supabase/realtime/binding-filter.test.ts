import { describe, expect, test } from "vitest";
import { parseBindingFilter, rowMatches } from "./binding-filter.ts";

function filter(raw: string) {
  const f = parseBindingFilter(raw);
  if ("error" in f) throw new Error(f.error);
  return f;
}

describe("postgres_changes filters", () => {
  test.each([
    ["user_id=eq.u1", { user_id: "u1" }, true],
    ["user_id=eq.u1", { user_id: "u2" }, false],
    ["user_id=neq.u1", { user_id: "u2" }, true],
    ["n=gt.9", { n: 10 }, true],
    ["n=lt.9", { n: 10 }, false],
    ["n=lte.10", { n: 10 }, true],
    ["status=in.(active,trialing)", { status: "trialing" }, true],
    ["status=in.(active,trialing)", { status: "canceled" }, false],
    ["active=eq.true", { active: true }, true],
    ["user_id=eq.u1", { user_id: null }, false],
  ])("%s against %j is %s", (raw, row, expected) => {
    expect(rowMatches(filter(raw), row)).toBe(expected);
  });

  test.each(["user_id", "user_id=like.x", "1bad=eq.1", "status=in.active"])("refuses %s", (raw) => {
    expect(parseBindingFilter(raw)).toHaveProperty("error");
  });
});
