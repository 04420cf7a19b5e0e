import { type Context, Hono } from "hono";
import { bearer, readJsonObject } from "../../http/body.ts";
import { jsonResponse } from "../../http/respond.ts";
import { checkApiKey } from "../api-keys.ts";
import { type RequestRole, resolveRole } from "../request-role.ts";
import { createBucket, readBuckets } from "./buckets.ts";
import { listObjects } from "./list-objects.ts";
import { removeObject, removeObjects } from "./remove-objects.ts";
import { downloadObject, publicDownload, signedDownload } from "./serve-object.ts";
import { signObject } from "./sign-object.ts";
import type { StorageCall, StorageContext } from "./storage-context.ts";
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
async function whoIsAsking(st: StorageContext, req: Request): Promise<RequestRole> {
  const gateway = checkApiKey(req);
  if (!gateway.ok) throw new GatewayRefusal(gateway.body);
  const result = await resolveRole(st.ctx.keys, gateway.role, bearer(req));
  if (result.ok) return result.value;
  throw STORAGE_ERRORS.accessDenied(
    result.reason === "expired" ? '"exp" claim timestamp check failed' : result.message,
  );
}

function jsonBody(c: Context): Promise<Record<string, unknown>> {
  return readJsonObject(c, {
    tooLarge: STORAGE_ERRORS.entityTooLarge,
    invalid: () => STORAGE_ERRORS.badRequest("body must be object"),
  });
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

const PREFIX = "/storage/v1";

type StorageEnv = { Variables: { who: RequestRole } };

/**
 * The raw URL segments after `/storage/v1<under>/`: c.req.path is the path as sent (the stand-in
 * routes on it), so `..` and `.` reach the key check instead of being resolved away.
 */
function segmentsAfter(c: Context, under: string): string[] {
  const rest = c.req.path.slice(PREFIX.length + under.length);
  return rest.startsWith("/") ? rest.slice(1).split("/") : rest ? rest.split("/") : [];
}

const ok = (value: unknown) => jsonResponse(200, value);

/**
 * `/storage/v1`: signed and public downloads without an API key (as on Supabase), then the
 * caller's role, then objects and buckets; errors in Storage's shape.
 */
export function storageRoutes(st: StorageContext): Hono<StorageEnv> {
  /** The request as the handlers take it, once the middleware below has said who asks. */
  const call = (c: Context<StorageEnv>): StorageCall => ({ st, req: c.req.raw, who: c.var.who, path: c.req.path });
  return new Hono<StorageEnv>()
    .get("/object/sign/*", (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object/sign"));
      return signedDownload(st, c.req.raw, bucket, key);
    })
    .get("/object/public/*", (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object/public"));
      return publicDownload(st, c.req.raw, bucket, key);
    })
    .use(async (c, next) => {
      c.set("who", await whoIsAsking(st, c.req.raw));
      await next();
    })
    .post("/object/sign/*", async (c) => {
      const rest = segmentsAfter(c, "/object/sign");
      if (rest.length < 2) throw STORAGE_ERRORS.notSupported("Signing several objects at once (createSignedUrls)");
      const { bucket, key } = bucketAndKey(rest);
      return ok(await signObject(call(c), bucket, key, await jsonBody(c)));
    })
    .post("/object/list/:bucket", async (c) => {
      const { bucket } = bucketAndKey(segmentsAfter(c, "/object/list"));
      return ok(await listObjects(call(c), bucket, await jsonBody(c)));
    })
    .all("/object/:op{info|upload|move|copy|list-v2}/*", (c) => {
      throw STORAGE_ERRORS.notSupported(`${c.req.method} /object/${c.req.param("op")}`);
    })
    .get("/object/authenticated/*", (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object/authenticated"));
      return downloadObject(call(c), bucket, key);
    })
    .get("/object/:bucket/*", (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object"));
      return downloadObject(call(c), bucket, key);
    })
    .on(["POST", "PUT"], "/object/:bucket/*", async (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object"));
      const method = c.req.method;
      const mode = method === "PUT" ? "update" : c.req.header("x-upsert") === "true" ? "upsert" : "create";
      return ok(await uploadObject(call(c), bucket, key, mode));
    })
    .delete("/object/:bucket", async (c) => {
      const { bucket } = bucketAndKey(segmentsAfter(c, "/object"));
      return ok(await removeObjects(call(c), bucket, await jsonBody(c)));
    })
    .delete("/object/:bucket/*", async (c) => {
      const { bucket, key } = bucketAndKey(segmentsAfter(c, "/object"));
      return ok(await removeObject(call(c), bucket, key));
    })
    .get("/bucket", async (c) => ok(await readBuckets(call(c), undefined)))
    .get("/bucket/:id", async (c) => {
      const { bucket } = bucketAndKey(segmentsAfter(c, "/bucket"));
      return ok(await readBuckets(call(c), bucket));
    })
    .post("/bucket", async (c) => ok(await createBucket(call(c), await jsonBody(c))))
    .all("/bucket/*", (c) => {
      const [sub, ...rest] = segmentsAfter(c, "/bucket");
      throw STORAGE_ERRORS.notSupported(`${c.req.method} /bucket${sub ? `/${sub}` : ""}${rest.length ? "/…" : ""}`);
    })
    .all("/:area{render|cdn|upload|s3|vector}/*", (c) => {
      throw STORAGE_ERRORS.notSupported(`/storage/v1/${c.req.param("area")}`);
    })
    .all("*", (c) => {
      throw routeNotFound(c.req.method, c.req.path.slice(PREFIX.length));
    })
    .onError((e, c) => {
      if (e instanceof GatewayRefusal) return jsonResponse(401, e.body);
      if (e instanceof StorageError) return jsonResponse(e.httpStatus, e.toBody(), e.headers);
      st.ctx.log(
        `storage ${c.req.method} ${c.req.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      const err = STORAGE_ERRORS.internal();
      return jsonResponse(err.httpStatus, err.toBody());
    });
}
