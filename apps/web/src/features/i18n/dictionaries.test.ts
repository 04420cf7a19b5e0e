import { describe, expect, it } from "vitest";
import { loadDictionary, loadedDictionary } from "./dictionaries.ts";
import { en } from "./dictionary-en.ts";
import { fr } from "./dictionary-fr.ts";

describe("dictionaries", () => {
  it("has English at once and French once loaded", async () => {
    expect(loadedDictionary("en")).toBe(en);
    await expect(loadDictionary("en")).resolves.toBe(en);
    await expect(loadDictionary("fr")).resolves.toEqual(fr);
    expect(loadedDictionary("fr")).toEqual(fr);
  });
});
