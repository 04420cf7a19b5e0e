import { describe, expect, test } from "vitest";
import { formatSize, typeLabel } from "./format-file.ts";

describe("formatSize", () => {
  test.each([
    [0, "en-US", "0\u00a0B"],
    [980, "en-US", "980\u00a0B"],
    [12_400, "en-US", "12.4\u00a0KB"],
    [3_100_000, "en-US", "3.1\u00a0MB"],
    [3_100_000, "fr-FR", "3,1\u00a0MB"],
    [250_000_000, "en-US", "250\u00a0MB"],
    [52_428_800, "en-US", "52.4\u00a0MB"],
  ])("%d bytes in %s → %s", (bytes, locale, expected) => {
    expect(formatSize(bytes, locale)).toBe(expected);
  });
});

describe("typeLabel", () => {
  test.each([
    ["application/pdf", "PDF"],
    ["text/markdown", "Markdown"],
    ["application/x-custom", "X-CUSTOM"],
    [null, "?"],
  ])("%s → %s", (mime, label) => {
    expect(typeLabel(mime)).toBe(label);
  });
});
