import type { Db } from "@gatehouse/types";
import { DOWNLOADS_BUCKET } from "./get-library-files.ts";

/** How long a signed download URL lives: long enough to start, short enough to end with access. */
export const SIGNED_URL_SECONDS = 60;

/** Storage no longer lets this user read the file: their access ended (or never covered it). */
export class AccessEndedError extends Error {}

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when the server did not say. */
  total: number | null;
}

interface StorageErrorBody {
  statusCode?: string;
  message?: string;
}

function isObjectNotFound(e: StorageErrorBody | null | undefined): boolean {
  return e?.statusCode === "404" || e?.message === "Object not found";
}

/**
 * Downloads one file the way Supabase intends for private buckets: a signed URL from
 * supabase-js (Storage checks the caller's policy before signing), then a plain fetch of that URL,
 * read chunk by chunk so a large file reports its progress.
 */
export async function downloadFile(
  client: Db,
  path: string,
  opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal; fetcher?: typeof fetch } = {},
): Promise<Blob> {
  const { data, error } = await client.storage.from(DOWNLOADS_BUCKET).createSignedUrl(path, SIGNED_URL_SECONDS);
  if (error || !data) {
    if (isObjectNotFound(error as StorageErrorBody | null)) throw new AccessEndedError(path);
    throw new Error(error?.message ?? "no signed URL");
  }
  const res = await (opts.fetcher ?? fetch)(data.signedUrl, opts.signal ? { signal: opts.signal } : {});
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as StorageErrorBody | null;
    if (isObjectNotFound(body)) throw new AccessEndedError(path);
    throw new Error(body?.message ?? `download failed (${res.status})`);
  }
  const lengthHeader = res.headers.get("content-length");
  const total = lengthHeader ? Number(lengthHeader) : null;
  const type = res.headers.get("content-type") ?? "application/octet-stream";
  if (!res.body) return new Blob([await res.arrayBuffer()], { type });
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  opts.onProgress?.({ received, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Uint8Array<ArrayBuffer>);
    received += value.byteLength;
    opts.onProgress?.({ received, total });
  }
  return new Blob(chunks, { type });
}

/** Hands a downloaded Blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
