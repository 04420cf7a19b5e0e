import { describe, expect, test } from "vitest";
import { EMAIL_KINDS, emailCopy, formatAmount, formatDate, linksFor, plainText } from "./email-copy.ts";
import { renderEmail } from "./render-email.ts";
import { SAMPLE_EMAIL_PAYLOAD } from "./sample-payload.ts";

const links = linksFor("https://app.test");
const payload = SAMPLE_EMAIL_PAYLOAD;

describe("formatAmount and formatDate", () => {
  test.each([
    [1900, "eur", "en", "€19.00"],
    [1900, "eur", "fr", "19,00\u00a0€"],
    [4900, "usd", "en", "$49.00"],
    [500, "jpy", "en", "¥500"],
  ] as const)("%d %s in %s → %s", (amount, currency, locale, expected) => {
    expect(formatAmount(amount, currency, locale)).toBe(expected);
  });
  test("no amount or currency: null", () => {
    expect(formatAmount(null, "eur", "en")).toBeNull();
    expect(formatAmount(100, null, "en")).toBeNull();
  });
  test("dates in each language, in UTC", () => {
    expect(formatDate("2026-12-31T23:30:00Z", "en")).toBe("December 31, 2026");
    expect(formatDate("2026-12-31T23:30:00Z", "fr")).toBe("31 décembre 2026");
    expect(formatDate("not a date", "en")).toBeNull();
  });
});

describe("emailCopy", () => {
  test.each(EMAIL_KINDS.flatMap((k) => [[k, "en"] as const, [k, "fr"] as const]))(
    "%s in %s: subject, text and the right link",
    (kind, locale) => {
      const copy = emailCopy(kind, locale, payload, links);
      expect(copy.subject.length).toBeGreaterThan(5);
      expect(Object.values(links)).toContain(copy.action.url);
      const text = plainText(copy);
      expect(text).toContain(copy.action.url);
      const html = renderEmail(kind, locale, payload, links).html;
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain(copy.action.url);
    },
  );

  test("the amounts and dates a subscriber reads", () => {
    expect(emailCopy("payment_failed", "en", payload, links).paragraphs[0]).toBe(
      "We could not charge €19.00 / month for Gatehouse Pro.",
    );
    expect(emailCopy("payment_failed", "fr", payload, links).paragraphs[0]).toBe(
      "Nous n'avons pas pu encaisser 19,00\u00a0€ / mois pour Gatehouse Pro.",
    );
    expect(emailCopy("trial_ending", "en", payload, links).subject).toBe(
      "Your Gatehouse Pro trial ends on December 5, 2026",
    );
    expect(emailCopy("plan_changed", "en", payload, links).paragraphs[0]).toBe(
      "You moved from Gatehouse Basic (€9.00 / month) to Gatehouse Pro (€19.00 / month).",
    );
    expect(emailCopy("payment_failed", "en", payload, links).action.url).toBe("https://app.test/account");
    expect(emailCopy("purchase_receipt", "en", payload, links).action.url).toBe("https://app.test/library");
  });

  test("an empty payload still reads as a sentence", () => {
    expect(emailCopy("payment_failed", "en", {}, links).paragraphs[0]).toBe(
      "We could not charge the renewal of your plan.",
    );
  });
});
