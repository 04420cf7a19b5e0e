import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { readBytes } from "../../http/body.ts";
import { type BlobStore, BlobTooLargeError, type StoredBlob } from "./blob-store.ts";
import { isValidKey } from "./object-key.ts";
import type { StorageCall } from "./storage-context.ts";
import { completeUpload, findBucket, type ObjectMetadata, testPermission } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

export type UploadMode = "create" | "upsert" | "update";

/** Storage's mime check: `type/subtype` must match an allowed entry exactly or `type/*`. */
export function mimeTypeAllowed(mimeType: string, allowed: string[]): boolean {
  const [type, sub, ...rest] = mimeType.split("/");
  if (!type || sub === undefined || rest.length) return false;
  return allowed.some((a) => {
    const [allowedType, allowedSub] = a.split("/");
    return allowedType === type && (allowedSub === "*" || allowedSub === sub);
  });
}

interface IncomingFile {
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
  store(blobs: BlobStore, version: string, limit: number): Promise<StoredBlob>;
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A multipart body (what storage-js sends for a Blob or File), read whole, up to the limit. */
async function multipartFile(req: Request, contentType: string, limit: number): Promise<IncomingFile> {
  // The form's own overhead (boundaries, fields) on top of the file itself.
  const raw = await readBytes(req, STORAGE_ERRORS.entityTooLarge, limit + 64 * 1024);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw STORAGE_ERRORS.noContent();
  }
  let file: File | undefined;
  for (const [, value] of form.entries()) {
    if (typeof value !== "string") {
      file = value;
      break;
    }
  }
  if (!file) throw STORAGE_ERRORS.noContent();
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const cacheTime = field("cacheControl");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const chosen = file;
  return {
    mimeType: field("contentType") || chosen.type || "application/octet-stream",
    cacheControl: cacheTime ? `max-age=${cacheTime}` : "no-cache",
    userMetadata: parseJsonObject(field("metadata") ?? field("userMetadata")),
    async store(blobs, version, max) {
      if (bytes.length > max) throw new BlobTooLargeError("over the limit");
      return blobs.writeBuffer(version, bytes);
    },
  };
}

/** A raw body: the bytes are the file; content-type, cache-control and x-metadata describe it. */
function rawFile(req: Request): IncomingFile {
  const xMetadata = req.headers.get("x-metadata");
  const body = req.body;
  return {
    mimeType: req.headers.get("content-type") || "application/octet-stream",
    cacheControl: req.headers.get("cache-control") ?? "no-cache",
    userMetadata: xMetadata ? parseJsonObject(Buffer.from(xMetadata, "base64").toString("utf8")) : null,
    store: (blobs, version, limit) =>
      blobs.write(version, body ? Readable.fromWeb(body as NodeReadableStream<Uint8Array>) : Readable.from([]), limit),
  };
}

/**
 * POST (create, or upsert with `x-upsert: true`) and PUT (update) of `/object/<bucket>/<key>`.
 * Like Storage: the bucket must exist, RLS is tested by running the write as the caller (then
 * rolled back), the bucket's size limit and mime allowlist apply, then the row is written with
 * Storage's own rights. Answers `{Id, Key}`.
 */
export async function uploadObject(
  call: StorageCall,
  bucketId: string,
  key: string,
  mode: UploadMode,
): Promise<{ Id: string; Key: string }> {
  const { st, req, who } = call;
  if (!isValidKey(key)) throw STORAGE_ERRORS.invalidKey(key);
  const bucket = await findBucket(st.ctx.db, bucketId);
  const owner = who.role === "authenticated" && typeof who.claims.sub === "string" ? who.claims.sub : null;
  await testPermission(call, async (c) => {
    if (mode === "update") {
      const { rowCount } = await c.query(
        "update storage.objects set owner = $3::uuid, owner_id = $3::text, version = $4 where bucket_id = $1 and name = $2",
        [bucketId, key, owner, randomUUID()],
      );
      if (!rowCount) throw STORAGE_ERRORS.noSuchKey();
      return;
    }
    await c.query(
      `insert into storage.objects (bucket_id, name, owner, owner_id, version) values ($1, $2, $3::uuid, $3::text, $4)
       ${mode === "upsert" ? "on conflict (bucket_id, name) do update set version = excluded.version, owner = excluded.owner" : ""}`,
      [bucketId, key, owner, randomUUID()],
    );
  });

  const limit = Math.min(st.globalFileSizeLimit, bucket.file_size_limit ?? Number.POSITIVE_INFINITY);
  const contentType = req.headers.get("content-type") ?? "";
  const file = contentType.startsWith("multipart/form-data")
    ? await multipartFile(req, contentType, limit)
    : rawFile(req);
  if (bucket.allowed_mime_types?.length && !mimeTypeAllowed(file.mimeType, bucket.allowed_mime_types)) {
    throw STORAGE_ERRORS.invalidMimeType(file.mimeType);
  }
  const version = randomUUID();
  let blob: StoredBlob;
  try {
    blob = await file.store(st.blobs, version, limit);
  } catch (e) {
    if (e instanceof BlobTooLargeError) throw STORAGE_ERRORS.entityTooLarge();
    throw e;
  }
  const metadata: ObjectMetadata = {
    eTag: `"${blob.md5}"`,
    size: blob.size,
    mimetype: file.mimeType,
    cacheControl: file.cacheControl,
    lastModified: new Date().toUTCString(),
    contentLength: blob.size,
    httpStatusCode: 200,
  };
  try {
    const { id, replaced } = await completeUpload(st.ctx.db, {
      bucketId,
      name: key,
      owner,
      version,
      metadata,
      userMetadata: file.userMetadata,
      mustBeNew: mode === "create",
    });
    if (replaced && replaced !== version) await st.blobs.remove(replaced).catch(() => undefined);
    return { Id: id, Key: `${bucketId}/${key}` };
  } catch (e) {
    await st.blobs.remove(version).catch(() => undefined);
    throw e;
  }
}
