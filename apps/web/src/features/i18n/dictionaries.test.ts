import { describe, expect, it } from "vitest";
import { loadDictionary, loadedDictionary, loadPageMessages, withPageMessages } from "./dictionaries.ts";
import { enFirst } from "./dictionary-en.ts";
import { enPages } from "./dictionary-en-pages.ts";
import { fr } from "./dictionary-fr.ts";

describe("dictionaries", () => {
  it("splits English in two parts without overlap, together the keys of French", () => {
    const first = Object.keys(enFirst);
    const pages = Object.keys(enPages);
    expect(first.filter((k) => Object.hasOwn(enPages, k))).toEqual([]);
    expect([...first, ...pages].sort()).toEqual(Object.keys(fr).sort());
  });

  it("has English complete once the pages' texts loaded, and French once loaded", async () => {
    await loadPageMessages();
    const en = loadedDictionary("en");
    expect(en).toEqual({ ...enFirst, ...enPages });
    await expect(loadDictionary("en")).resolves.toBe(en);
    await expect(loadDictionary("fr")).resolves.toEqual(fr);
    expect(loadedDictionary("fr")).toEqual(fr);
  });

  it("resolves a page's chunk only with the pages' texts here", async () => {
    const page = { default: "page" };
    await expect(withPageMessages(async () => page)()).resolves.toBe(page);
    for (const key of Object.keys(enPages) as (keyof typeof enPages)[]) {
      expect(loadedDictionary("en")?.[key], key).toBe(enPages[key]);
    }
  });
});
