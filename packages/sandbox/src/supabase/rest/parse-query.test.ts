import { describe, expect, test } from "vitest";
import { parseFilter, parseOrder, parseQuery, parseSelect } from "./parse-query.ts";
import { PgrstError } from "./pgrst-error.ts";

describe("parseSelect", () => {
  test.each([
    [null, [{ kind: "star" }]],
    ["*", [{ kind: "star" }]],
    [
      "id,name",
      [
        { kind: "column", column: "id", alias: "id" },
        { kind: "column", column: "name", alias: "name" },
      ],
    ],
    ["amount:unit_amount", [{ kind: "column", column: "unit_amount", alias: "amount" }]],
  ])("parses %s", (raw, expected) => {
    expect(parseSelect(raw)).toEqual(expected);
  });

  test.each(["id,prices(id)", "id::text", "...prices(id)", "data->a"])("refuses %s with PGRST100", (raw) => {
    expect(() => parseSelect(raw)).toThrow(PgrstError);
  });
});

describe("parseFilter", () => {
  test.each([
    ["id", "eq.1", { column: "id", negate: false, op: "eq", value: "1" }],
    ["id", "not.eq.1", { column: "id", negate: true, op: "eq", value: "1" }],
    ["id", 'in.(a,"b,c",d)', { column: "id", negate: false, op: "in", value: ["a", "b,c", "d"] }],
    ["x", "is.null", { column: "x", negate: false, op: "is", value: "null" }],
    ["name", "ilike.*pro*", { column: "name", negate: false, op: "ilike", value: "*pro*" }],
    ["name", "eq.a.b", { column: "name", negate: false, op: "eq", value: "a.b" }],
  ])("parses %s=%s", (key, raw, expected) => {
    expect(parseFilter(key, raw)).toEqual(expected);
  });

  test.each([
    ["id", "foo.1"],
    ["id", "is.maybe"],
    ["id", "in.1,2"],
    ["id", "1"],
  ])("refuses %s=%s with PGRST100", (key, raw) => {
    try {
      parseFilter(key, raw);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PgrstError);
      expect((e as PgrstError).code).toBe("PGRST100");
    }
  });
});

describe("parseOrder and parseQuery", () => {
  test("reads direction and nulls placement", () => {
    expect(parseOrder("a.desc.nullslast,b")).toEqual([
      { column: "a", desc: true, nulls: "last" },
      { column: "b", desc: false },
    ]);
  });

  test("splits reserved parameters from filters", () => {
    const q = parseQuery(new URLSearchParams("select=id&id=eq.1&limit=2&offset=3&order=id.desc"));
    expect(q).toMatchObject({
      limit: 2,
      offset: 3,
      order: [{ column: "id", desc: true }],
      filters: [{ column: "id" }],
    });
  });

  test("refuses or= and negative limits", () => {
    expect(() => parseQuery(new URLSearchParams("or=(a.eq.1,b.eq.2)"))).toThrow(PgrstError);
    expect(() => parseQuery(new URLSearchParams("limit=-1"))).toThrow(PgrstError);
  });
});
