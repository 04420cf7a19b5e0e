import { describe, expect, it } from "vitest";
import { newId } from "./ids.ts";

describe("newId", () => {
  it("makes prefixed base62 ids of the asked length, unique over many draws", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(newId("cus", 14));
    expect(ids.size).toBe(20_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^cus_[0-9A-Za-z]{14}$/);
    expect(newId("cs_test", 58)).toMatch(/^cs_test_[0-9A-Za-z]{58}$/);
  });
});
