import type { Db } from "@gatehouse/types";
import { describe, expect, test } from "vitest";
import { AccessEndedError, type DownloadProgress, downloadFile } from "./download-file.ts";

// Storage's answers as supabase-js returns them; the byte stream as fetch gives it.
function storageAnswering(result: { data: { signedUrl: string } | null; error: unknown }): Db {
  const bucket = { createSignedUrl: async () => result };
  return { storage: { from: () => bucket } } as unknown as Db;
}

function streamOf(chunks: Uint8Array[], headers: Record<string, string>): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream({
        start(controller) {
          for (const c of chunks) controller.enqueue(c);
          controller.close();
        },
      }),
      { status: 200, headers },
    );
}

describe("downloadFile", () => {
  test("reads the signed URL chunk by chunk, reporting progress against Content-Length", async () => {
    const progress: DownloadProgress[] = [];
    const blob = await downloadFile(
      storageAnswering({ data: { signedUrl: "http://x/signed" }, error: null }),
      "a/b.pdf",
      {
        fetcher: streamOf([new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])], {
          "content-length": "5",
          "content-type": "application/pdf",
        }),
        onProgress: (p) => progress.push(p),
      },
    );
    expect(progress).toEqual([
      { received: 0, total: 5 },
      { received: 2, total: 5 },
      { received: 5, total: 5 },
    ]);
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3, 4, 5]);
    expect(blob.type).toBe("application/pdf");
  });

  test("Storage's Object not found when signing means the access ended", async () => {
    const client = storageAnswering({ data: null, error: { message: "Object not found", statusCode: "404" } });
    await expect(downloadFile(client, "a/b.pdf")).rejects.toBeInstanceOf(AccessEndedError);
  });

  test("any other failure is a plain error, not an ended access", async () => {
    const client = storageAnswering({ data: null, error: { message: "Internal server error", statusCode: "500" } });
    await expect(downloadFile(client, "a/b.pdf")).rejects.not.toBeInstanceOf(AccessEndedError);
    const expired: typeof fetch = async () =>
      new Response(
        JSON.stringify({ statusCode: "400", code: "InvalidJWT", message: '"exp" claim timestamp check failed' }),
        {
          status: 400,
        },
      );
    const signed = storageAnswering({ data: { signedUrl: "http://x/signed" }, error: null });
    await expect(downloadFile(signed, "a/b.pdf", { fetcher: expired })).rejects.toThrow("claim timestamp check failed");
  });
});
