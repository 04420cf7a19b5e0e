import { isValidKey } from "./object-key.ts";
import type { StorageCall } from "./storage-context.ts";
import { asCaller, findObject } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

/** The longest expiry a signed URL can have (jose's and Storage's bound on a numeric exp). */
const MAX_EXPIRES_IN = Math.floor(Number.MAX_SAFE_INTEGER / 1000) - Math.floor(Date.now() / 1000);

/**
 * POST `/object/sign/<bucket>/<key>` `{expiresIn}` → `{signedURL: "/object/sign/<bucket>/<key>?token=…"}`.
 * The caller must be able to select the object (RLS), as in Storage; the URL then works for
 * anyone until it expires.
 */
export async function signObject(
  call: StorageCall,
  bucketId: string,
  key: string,
  body: Record<string, unknown>,
): Promise<{ signedURL: string }> {
  const expiresIn = body.expiresIn;
  if (expiresIn === undefined) throw STORAGE_ERRORS.badRequest("body must have required property 'expiresIn'");
  if (typeof expiresIn !== "number" || !Number.isInteger(expiresIn)) {
    throw STORAGE_ERRORS.badRequest("body/expiresIn must be integer");
  }
  if (expiresIn < 1) throw STORAGE_ERRORS.badRequest("body/expiresIn must be >= 1");
  if (expiresIn > MAX_EXPIRES_IN) throw STORAGE_ERRORS.badRequest("Invalid Parameter expiresIn");
  const transform = body.transform;
  if (transform && typeof transform === "object" && Object.keys(transform).length > 0) {
    throw STORAGE_ERRORS.notSupported("Image transformation");
  }
  if (!isValidKey(key)) throw STORAGE_ERRORS.invalidKey(key);
  await asCaller(call, (c) => findObject(c, bucketId, key));
  const url = `${bucketId}/${key}`;
  const token = await call.st.signer.sign(url, expiresIn);
  return { signedURL: `/object/sign/${url}?token=${token}` };
}
