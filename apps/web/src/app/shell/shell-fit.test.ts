import { describe, expect, it } from "vitest";
import { shellFits } from "./shell-fit.ts";

const url = (href: string) => new URL(href, "https://gatehouse.example");

describe("shellFits", () => {
  const landing = { shell: "/", shellVaries: "checkout" };
  const success = { shell: "/billing/success", shellRequires: "session_id" };

  it("keeps a page's shell at its own path, with or without a trailing slash and harmless queries", () => {
    expect(shellFits(landing, url("/"))).toBe(true);
    expect(shellFits(landing, url("/?subscribe=price_1"))).toBe(true);
    expect(shellFits({ shell: "/library" }, url("/library/"))).toBe(true);
    expect(shellFits(success, url("/billing/success?session_id=cs_1&gh_sync=0"))).toBe(true);
  });

  it("drops it on another path (index.html answers every unknown path), without a required query or with one that changes the page", () => {
    expect(shellFits(landing, url("/account"))).toBe(false);
    expect(shellFits(landing, url("/library/lesson"))).toBe(false);
    expect(shellFits(landing, url("/?checkout=canceled"))).toBe(false);
    expect(shellFits(success, url("/billing/success"))).toBe(false);
    expect(shellFits({}, url("/"))).toBe(false);
  });

  it("drops it when the URL has a #hash (the page scrolls and marks the Pricing link)", () => {
    expect(shellFits(landing, url("/#pricing"))).toBe(false);
    expect(shellFits(landing, url("/#"))).toBe(true);
  });
});
