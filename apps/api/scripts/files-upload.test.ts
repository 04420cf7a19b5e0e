// files:upload against a throw-away sandbox: real Postgres with the migrations (the downloads
// bucket), the Supabase stand-in's Storage, the real supabase-js.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_LIMITS, SANDBOX_SECRET_KEY, startTestSandbox, type TestSandbox } from "@gatehouse/sandbox";
import type { Db } from "@gatehouse/types";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { clientFromEnv, FilesUploadError, formatShelf, listShelf, seedDemoFiles, uploadFile } from "./files-upload.ts";

let sandbox: TestSandbox;
let client: Db;
const dir = mkdtempSync(join(tmpdir(), "files-upload-"));

beforeAll(async () => {
  // Stripe's rate limits off: these tests are about what the scripts do, and their own checks read
  // Stripe right after stripe:setup's burst, which a quiet CI machine fits into one second (429).
  // The limits themselves are tested in the sandbox (rate-limits.test.ts) and the chaos suite.
  sandbox = await startTestSandbox({ limits: NO_LIMITS });
  client = clientFromEnv({ SUPABASE_URL: sandbox.urls.supabaseDirect, SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

function localFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("files:upload", () => {
  test("uploads under the feature's folder, then leaves identical bytes alone, then replaces changed ones", async () => {
    const file = localFile("handbook.pdf", "%PDF-1.7 first edition");
    const first = await uploadFile(client, { file, feature: "library.pro" });
    expect(first).toEqual({ path: "library.pro/handbook.pdf", size: 22, type: "application/pdf", outcome: "uploaded" });
    expect((await uploadFile(client, { file, feature: "library.pro" })).outcome).toBe("unchanged");
    writeFileSync(file, "%PDF-1.7 second edition");
    expect((await uploadFile(client, { file, feature: "library.pro" })).outcome).toBe("replaced");
    const { data } = await client.storage.from("downloads").download("library.pro/handbook.pdf");
    expect(await (data as Blob).text()).toBe("%PDF-1.7 second edition");
  });

  test("lists what the bucket holds, feature by feature", async () => {
    await uploadFile(client, { file: localFile("guide.md", "# Guide"), feature: "library.basic" });
    const shelf = await listShelf(client);
    expect(shelf.map((e) => [e.feature, e.path, e.type])).toEqual(
      expect.arrayContaining([
        ["library.basic", "library.basic/guide.md", "text/markdown"],
        ["library.pro", "library.pro/handbook.pdf", "application/pdf"],
      ]),
    );
    expect(formatShelf(shelf)).toContain("library.pro/handbook.pdf");
  });

  test("refuses a bad feature, an unknown type and a type the bucket does not accept, saying what to do", async () => {
    const file = localFile("tool.exe", "MZ");
    await expect(uploadFile(client, { file: localFile("a.pdf", "x"), feature: "../etc" })).rejects.toThrow(
      /not a feature lookup key/,
    );
    await expect(uploadFile(client, { file, feature: "library.pro" })).rejects.toThrow(/pass --type/);
    await expect(
      uploadFile(client, { file, feature: "library.pro", type: "application/x-msdownload" }),
    ).rejects.toThrow(/mime type application\/x-msdownload is not supported \(415\)/);
    await expect(uploadFile(client, { file: join(dir, "missing.pdf"), feature: "library.pro" })).rejects.toThrow(
      FilesUploadError,
    );
  });

  test("the demo shelf puts one file per tier, once", async () => {
    const first = await seedDemoFiles(client);
    expect(first.map((r) => r.path).sort()).toEqual([
      "library.basic/getting-started.md",
      "library.pro/gatehouse-handbook.pdf",
    ]);
    expect((await seedDemoFiles(client)).map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
  });

  test("the command prints the outcome and the bucket, and exits 2 with usage when arguments are missing", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [join(import.meta.dirname, "files-upload.ts"), ...args], {
          env: { ...process.env, SUPABASE_URL: sandbox.urls.supabaseDirect, SUPABASE_SECRET_KEY: SANDBOX_SECRET_KEY },
        });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const ok = await run([localFile("notes.txt", "notes"), "--feature", "library.basic"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("library.basic/notes.txt: uploaded");
    expect(ok.out).toMatch(/feature\s+path\s+size\s+type/);
    const usage = await run([]);
    expect(usage.code).toBe(2);
    expect(usage.out).toContain("usage: files:upload");
  });
});
