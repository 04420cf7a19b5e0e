import { Readable } from "node:stream";
import { isValidKey } from "./object-key.ts";
import type { StorageCall, StorageContext } from "./storage-context.ts";
import { asCaller, findBucket, findObject, type ObjectRow } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

/** Streams an object's bytes with the headers Storage's asset renderer sets. */
async function stream(
  st: StorageContext,
  req: Request,
  obj: ObjectRow,
  extra: Record<string, string> = {},
): Promise<Response> {
  const size = obj.version ? await st.blobs.size(obj.version) : undefined;
  if (!obj.version || size === undefined) throw STORAGE_ERRORS.noSuchKey();
  const meta = obj.metadata;
  const headers: Record<string, string> = {
    "Content-Type": meta?.mimetype ?? "application/octet-stream",
    "Content-Length": String(size),
    "Cache-Control": meta?.cacheControl ?? "no-cache",
    ...(meta?.eTag ? { ETag: meta.eTag } : {}),
    ...(meta?.lastModified ? { "Last-Modified": meta.lastModified } : {}),
    ...extra,
  };
  if (req.method === "HEAD") return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(st.blobs.read(obj.version)) as ReadableStream<Uint8Array>, {
    status: 200,
    headers,
  });
}

function checkKey(key: string): void {
  if (!isValidKey(key)) throw STORAGE_ERRORS.invalidKey(key);
}

/** GET/HEAD `/object/[authenticated/]<bucket>/<key>`: the caller must be able to select the row. */
export async function downloadObject(call: StorageCall, bucketId: string, key: string): Promise<Response> {
  checkKey(key);
  const obj = await asCaller(call, (c) => findObject(c, bucketId, key));
  return stream(call.st, call.req, obj);
}

function attachment(download: string | null, key: string): Record<string, string> {
  if (download === null) return {};
  const name = download || key.split("/").pop() || key;
  return { "Content-Disposition": `attachment; filename=${encodeURIComponent(name)};` };
}

/**
 * GET/HEAD `/object/sign/<bucket>/<key>?token=…`: no API key needed; the token (signed by the
 * stand-in, expiring) must name this very object; the object is then read with Storage's rights.
 */
export async function signedDownload(
  st: StorageContext,
  req: Request,
  bucketId: string,
  key: string,
): Promise<Response> {
  const url = new URL(req.url);
  const token = url.searchParams.get("token");
  if (!token) throw STORAGE_ERRORS.badRequest("querystring must have required property 'token'");
  const check = await st.signer.verify(token);
  if (!check.ok) throw STORAGE_ERRORS.invalidJwt(check.message);
  if (check.claims.scope !== undefined && check.claims.scope !== "download") throw STORAGE_ERRORS.invalidSignature();
  if (check.claims.url !== `${bucketId}/${key}`) throw STORAGE_ERRORS.invalidSignature();
  const obj = await findObject(st.ctx.db, bucketId, key);
  const exp = typeof check.claims.exp === "number" ? new Date(check.claims.exp * 1000).toUTCString() : undefined;
  return stream(st, req, obj, {
    ...attachment(url.searchParams.get("download"), key),
    ...(exp ? { Expires: exp } : {}),
  });
}

/** GET/HEAD `/object/public/<bucket>/<key>`: only buckets marked public serve without a token. */
export async function publicDownload(
  st: StorageContext,
  req: Request,
  bucketId: string,
  key: string,
): Promise<Response> {
  checkKey(key);
  const url = new URL(req.url);
  const bucket = await findBucket(st.ctx.db, bucketId);
  if (!bucket.public) throw STORAGE_ERRORS.noSuchBucket();
  const obj = await findObject(st.ctx.db, bucketId, key);
  return stream(st, req, obj, attachment(url.searchParams.get("download"), key));
}
