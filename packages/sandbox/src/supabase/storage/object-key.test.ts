import { describe, expect, test } from "vitest";
import { isValidBucketName, isValidKey } from "./object-key.ts";
import { mimeTypeAllowed } from "./upload-object.ts";

describe("object keys are validated as Supabase Storage does", () => {
  test.each([
    ["library.pro/handbook.pdf", true],
    ["library.pro/a file (v2).pdf", true],
    ["dossier/été.pdf", true],
    ["library.pro/../x.pdf", false],
    ["../x.pdf", false],
    ["library.pro/./x.pdf", false],
    ["library.pro/..", false],
    ["library.pro/..hidden.pdf", true],
    ["a\nb", false],
    ["a#b", false],
    ["a%2e%2e", false],
    ["a\\b", false],
    ["spoof\u202Efdp.exe", false],
    ["", false],
    ["x".repeat(1024), true],
    ["x".repeat(1025), false],
  ])("%j → %s", (key, valid) => {
    expect(isValidKey(key)).toBe(valid);
  });

  test.each([
    ["downloads", true],
    ["my bucket", true],
    ["a/b", false],
    ["", false],
    ["x".repeat(101), false],
  ])("bucket %j → %s", (name, valid) => {
    expect(isValidBucketName(name)).toBe(valid);
  });
});

describe("mime types are checked against the bucket's allowlist as Storage does", () => {
  test.each([
    ["application/pdf", ["application/pdf"], true],
    ["text/plain", ["text/*"], true],
    ["application/zip", ["application/pdf"], false],
    // Storage compares the whole subtype, parameters included.
    ["text/plain;charset=UTF-8", ["text/plain"], false],
    ["pdf", ["application/pdf"], false],
  ])("%s against %j → %s", (mime, allowed, ok) => {
    expect(mimeTypeAllowed(mime, allowed)).toBe(ok);
  });
});
