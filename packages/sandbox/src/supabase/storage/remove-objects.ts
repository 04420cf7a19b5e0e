import type { RequestRole } from "../request-role.ts";
import type { StorageContext } from "./storage-context.ts";
import { asCaller } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

const RETURNED = "name, bucket_id, owner, id, updated_at, created_at, last_accessed_at, metadata, version";

/** Deletes rows as the caller (RLS decides which go), then their bytes once committed. */
async function deleteAs(
  st: StorageContext,
  req: Request,
  who: RequestRole,
  bucketId: string,
  names: string[],
  path: string,
): Promise<Array<Record<string, unknown>>> {
  const { rows } = await asCaller(st.ctx.db, who, req, path, (c) =>
    c.query<Record<string, unknown> & { version: string | null }>(
      `delete from storage.objects where bucket_id = $1 and name = any($2::text[]) returning ${RETURNED}`,
      [bucketId, names],
    ),
  );
  for (const r of rows) if (r.version) await st.blobs.remove(r.version).catch(() => undefined);
  return rows.map(({ version: _version, ...rest }) => rest);
}

/** DELETE `/object/<bucket>` `{prefixes: [...]}` → the deleted objects (those the caller could delete). */
export async function removeObjects(
  st: StorageContext,
  req: Request,
  who: RequestRole,
  bucketId: string,
  body: Record<string, unknown>,
  path: string,
): Promise<Array<Record<string, unknown>>> {
  const prefixes = body.prefixes;
  if (prefixes === undefined) throw STORAGE_ERRORS.badRequest("body must have required property 'prefixes'");
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== "string")) {
    throw STORAGE_ERRORS.badRequest("body/prefixes must be array of strings");
  }
  if (prefixes.length < 1) throw STORAGE_ERRORS.badRequest("body/prefixes must NOT have fewer than 1 items");
  if (prefixes.length > 1000) throw STORAGE_ERRORS.badRequest("body/prefixes must NOT have more than 1000 items");
  return deleteAs(st, req, who, bucketId, prefixes as string[], path);
}

/** DELETE `/object/<bucket>/<key>` → `{message: "Successfully deleted"}`; NoSuchKey when not deletable. */
export async function removeObject(
  st: StorageContext,
  req: Request,
  who: RequestRole,
  bucketId: string,
  key: string,
  path: string,
): Promise<{ message: string }> {
  const deleted = await deleteAs(st, req, who, bucketId, [key], path);
  if (deleted.length === 0) throw STORAGE_ERRORS.noSuchKey();
  return { message: "Successfully deleted" };
}
