import type { IncomingMessage, ServerResponse } from "node:http";
import { checkApiKey } from "../api-keys.ts";
import { BodyTooLargeError, bearer, header, readBody, sendJson } from "../http.ts";
import { type RequestRole, resolveRole } from "../request-role.ts";
import { createBucket, readBuckets } from "./buckets.ts";
import { listObjects } from "./list-objects.ts";
import { removeObject, removeObjects } from "./remove-objects.ts";
import { downloadObject, publicDownload, signedDownload } from "./serve-object.ts";
import { signObject } from "./sign-object.ts";
import type { StorageContext } from "./storage-context.ts";
import { STORAGE_ERRORS, StorageError } from "./storage-error.ts";
import { uploadObject } from "./upload-object.ts";

class GatewayRefusal extends Error {
  readonly body: { message: string; hint: string };

  constructor(body: { message: string; hint: string }) {
    super(body.message);
    this.body = body;
  }
}

/** Who the request runs as, decided like the rest of the stand-in; a bad JWT is AccessDenied. */
async function whoIsAsking(st: StorageContext, req: IncomingMessage, url: URL): Promise<RequestRole> {
  const gateway = checkApiKey(req, url);
  if (!gateway.ok) throw new GatewayRefusal(gateway.body);
  const result = await resolveRole(st.ctx.keys, gateway.role, bearer(req));
  if (result.ok) return result.value;
  throw STORAGE_ERRORS.accessDenied(
    result.reason === "expired" ? '"exp" claim timestamp check failed' : result.message,
  );
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw STORAGE_ERRORS.entityTooLarge();
    throw e;
  }
  if (text.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // below
  }
  throw STORAGE_ERRORS.badRequest("body must be object");
}

/** Splits `<bucket>/<key…>` (raw URL segments) into the decoded bucket and key. */
function bucketAndKey(segments: string[]): { bucket: string; key: string } {
  const [rawBucket = "", ...rest] = segments;
  let bucket: string;
  try {
    bucket = decodeURIComponent(rawBucket);
  } catch {
    throw STORAGE_ERRORS.invalidBucketName(rawBucket);
  }
  const rawKey = rest.join("/");
  try {
    return { bucket, key: rest.map(decodeURIComponent).join("/") };
  } catch {
    throw STORAGE_ERRORS.invalidKey(rawKey);
  }
}

function routeNotFound(method: string, path: string): StorageError {
  return new StorageError(404, "NotFound", `Route ${method}:/storage/v1${path} not found`, {
    error: "Not Found",
    httpStatus: 404,
  });
}

async function route(
  st: StorageContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
): Promise<unknown> {
  const method = req.method ?? "GET";
  const read = method === "GET" || method === "HEAD";
  const segments = path.split("/").filter((s, i) => i > 0 || s !== "");
  const [area, sub, ...rest] = segments;
  const full = `/storage/v1${path}`;

  // Signed and public URLs work without an API key, as on Supabase.
  if (area === "object" && read && (sub === "sign" || sub === "public")) {
    const { bucket, key } = bucketAndKey(rest);
    if (sub === "sign") await signedDownload(st, req, res, bucket, key, url);
    else await publicDownload(st, req, res, bucket, key, url);
    return undefined;
  }

  const who = await whoIsAsking(st, req, url);
  if (area === "object" && sub !== undefined) {
    if (method === "POST" && sub === "sign") {
      if (rest.length < 2) throw STORAGE_ERRORS.notSupported("Signing several objects at once (createSignedUrls)");
      const { bucket, key } = bucketAndKey(rest);
      return signObject(st, req, who, bucket, key, await jsonBody(req), full);
    }
    if (method === "POST" && sub === "list" && rest.length === 1) {
      const { bucket } = bucketAndKey(rest);
      return listObjects(st, req, who, bucket, await jsonBody(req), full);
    }
    if (["info", "upload", "move", "copy", "list-v2"].includes(sub)) {
      throw STORAGE_ERRORS.notSupported(`${method} /object/${sub}`);
    }
    if (read) {
      const { bucket, key } = bucketAndKey(sub === "authenticated" ? rest : [sub, ...rest]);
      await downloadObject(st, req, res, who, bucket, key, full);
      return undefined;
    }
    const { bucket, key } = bucketAndKey([sub, ...rest]);
    if (method === "POST" || method === "PUT") {
      const upsert = header(req, "x-upsert") === "true";
      const mode = method === "PUT" ? "update" : upsert ? "upsert" : "create";
      return uploadObject(st, req, who, bucket, key, mode, full);
    }
    if (method === "DELETE") {
      return rest.length === 0
        ? removeObjects(st, req, who, bucket, await jsonBody(req), full)
        : removeObject(st, req, who, bucket, key, full);
    }
  }
  if (area === "bucket") {
    if (read && rest.length === 0) {
      return readBuckets(st, req, who, sub === undefined ? undefined : bucketAndKey([sub]).bucket, full);
    }
    if (method === "POST" && sub === undefined) return createBucket(st, req, who, await jsonBody(req), full);
    throw STORAGE_ERRORS.notSupported(`${method} /bucket${sub ? `/${sub}` : ""}${rest.length ? "/…" : ""}`);
  }
  if (area === "render" || area === "cdn" || area === "upload" || area === "s3" || area === "vector") {
    throw STORAGE_ERRORS.notSupported(`/storage/v1/${area}`);
  }
  throw routeNotFound(method, path);
}

/** Serves `/storage/v1/*`; `path` is the part after `/storage/v1`. */
export async function handleStorage(
  st: StorageContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
): Promise<void> {
  try {
    const out = await route(st, req, res, path, url);
    if (out !== undefined) sendJson(res, 200, out);
  } catch (e) {
    // Whatever of the body is left is read and dropped, so the client receives the answer.
    req.resume();
    if (res.headersSent) {
      st.ctx.log(`storage ${req.method} ${path} failed mid-response: ${String(e)}`);
      res.destroy();
      return;
    }
    if (e instanceof GatewayRefusal) return sendJson(res, 401, e.body);
    if (e instanceof StorageError) return sendJson(res, e.httpStatus, e.toBody(), e.headers);
    st.ctx.log(`storage ${req.method} ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const err = STORAGE_ERRORS.internal();
    sendJson(res, err.httpStatus, err.toBody());
  }
}
