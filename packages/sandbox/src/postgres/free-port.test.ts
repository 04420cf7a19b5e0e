import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ephemeralStart, freePort } from "./free-port.ts";

describe("freePort", () => {
  it("picks ports below the kernel's ephemeral range, never the same one twice", async () => {
    const start = ephemeralStart();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(start);
    }
  });

  it("skips a port a server holds", async () => {
    const start = ephemeralStart();
    const first = 0.123456;
    const held = 10_000 + Math.floor(first * (start - 10_000));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(held, "127.0.0.1", () => resolve());
    });
    try {
      const picks = [first, 0.654321];
      const port = await freePort(() => picks.shift() ?? Math.random());
      expect(port).not.toBe(held);
      expect(port).toBe(10_000 + Math.floor(0.654321 * (start - 10_000)));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("reads the range's start from the kernel's file, and falls back to 32768", () => {
    const dir = mkdtempSync(join(tmpdir(), "ports-"));
    writeFileSync(join(dir, "range"), "40000\t60999\n");
    expect(ephemeralStart(join(dir, "range"))).toBe(40000);
    expect(ephemeralStart(join(dir, "missing"))).toBe(32768);
  });
});
