import type { StorageCall } from "./storage-context.ts";
import { asCaller } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

const RETURNED = "name, bucket_id, owner, id, updated_at, created_at, last_accessed_at, metadata, version";

/** Deletes rows as the caller (RLS decides which go), then their bytes once committed. */
async function deleteAs(call: StorageCall, bucketId: string, names: string[]): Promise<Array<Record<string, unknown>>> {
  const { rows } = await asCaller(call, (c) =>
    c.query<Record<string, unknown> & { version: string | null }>(
      `delete from storage.objects where bucket_id = $1 and name = any($2::text[]) returning ${RETURNED}`,
      [bucketId, names],
    ),
  );
  for (const r of rows) if (r.version) await call.st.blobs.remove(r.version).catch(() => undefined);
  return rows.map(({ version: _version, ...rest }) => rest);
}

/** DELETE `/object/<bucket>` `{prefixes: [...]}` → the deleted objects (those the caller could delete). */
export async function removeObjects(
  call: StorageCall,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  const prefixes = body.prefixes;
  if (prefixes === undefined) throw STORAGE_ERRORS.badRequest("body must have required property 'prefixes'");
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== "string")) {
    throw STORAGE_ERRORS.badRequest("body/prefixes must be array of strings");
  }
  if (prefixes.length < 1) throw STORAGE_ERRORS.badRequest("body/prefixes must NOT have fewer than 1 items");
  if (prefixes.length > 1000) throw STORAGE_ERRORS.badRequest("body/prefixes must NOT have more than 1000 items");
  return deleteAs(call, bucketId, prefixes as string[]);
}

/** DELETE `/object/<bucket>/<key>` → `{message: "Successfully deleted"}`; NoSuchKey when not deletable. */
export async function removeObject(call: StorageCall, bucketId: string, key: string): Promise<{ message: string }> {
  const deleted = await deleteAs(call, bucketId, [key]);
  if (deleted.length === 0) throw STORAGE_ERRORS.noSuchKey();
  return { message: "Successfully deleted" };
}
