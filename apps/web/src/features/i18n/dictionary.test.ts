import { describe, expect, it } from "vitest";
import { enFirst } from "./dictionary-en.ts";
import { enPages } from "./dictionary-en-pages.ts";
import { fr } from "./dictionary-fr.ts";
import { createTranslate } from "./translate.ts";

const en = { ...enFirst, ...enPages };
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("give every French text the same placeholders as the English one", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
      expect(fr[key].trim(), key).not.toBe("");
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    const t = createTranslate(fr);
    expect(t("account.endsOn", { date: "4 mars 2027" })).toBe("Se termine le 4 mars 2027");
    expect(t("account.endsOn")).toBe("Se termine le {date}");
  });
});
