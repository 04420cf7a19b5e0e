import { describe, expect, test } from "vitest";
import { libraryFiles, plansByFeature } from "./get-library-files.ts";

const PRODUCTS = [
  { id: "prod_basic", name: "Basic" },
  { id: "prod_pro", name: "Pro" },
];
const LINKS = [
  { product_id: "prod_basic", feature: "library.basic" },
  { product_id: "prod_pro", feature: "library.basic" },
  { product_id: "prod_pro", feature: "library.pro" },
  { product_id: "prod_pro", feature: "downloads" },
  { product_id: "prod_gone", feature: "legacy" },
];

describe("plansByFeature", () => {
  test.each([
    ["library.basic", "Basic"],
    ["library.pro", "Pro"],
    ["downloads", "Pro"],
    ["legacy", undefined],
  ])("%s is unlocked first by %s", (feature, plan) => {
    expect(plansByFeature(LINKS, PRODUCTS).get(feature)).toBe(plan);
  });
});

describe("libraryFiles", () => {
  const shelf = [
    {
      path: "library.basic/guide.md",
      feature: "library.basic",
      name: "guide.md",
      size: 300,
      mimetype: "text/markdown",
    },
    {
      path: "library.pro/handbook.pdf",
      feature: "library.pro",
      name: "handbook.pdf",
      size: 1200,
      mimetype: "application/pdf",
    },
    { path: "old/x.pdf", feature: "old", name: "x.pdf", size: null, mimetype: null },
  ];

  test("unlocked files come first; locked ones carry the plan that opens them", () => {
    const files = libraryFiles(shelf, new Set(["library.pro/handbook.pdf"]), plansByFeature(LINKS, PRODUCTS));
    expect(files.map((f) => [f.path, f.unlocked, f.plan, f.size])).toEqual([
      ["library.pro/handbook.pdf", true, "Pro", 1200],
      ["library.basic/guide.md", false, "Basic", 300],
      ["old/x.pdf", false, null, null],
    ]);
  });

  test("a visitor sees every file locked", () => {
    expect(libraryFiles(shelf, new Set(), new Map()).every((f) => !f.unlocked)).toBe(true);
  });
});
