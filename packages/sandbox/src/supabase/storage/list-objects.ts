import type { StorageCall } from "./storage-context.ts";
import { asCaller } from "./storage-db.ts";
import { STORAGE_ERRORS } from "./storage-error.ts";

const SORT_COLUMNS = ["name", "updated_at", "created_at", "last_accessed_at"];

function int(body: Record<string, unknown>, name: string, min: number, fallback: number): number {
  const v = body[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) throw STORAGE_ERRORS.badRequest(`body/${name} must be integer`);
  if (v < min) throw STORAGE_ERRORS.badRequest(`body/${name} must be >= ${min}`);
  return v;
}

/**
 * POST `/object/list/<bucket>` `{prefix, limit, offset, sortBy: {column, order}, search}`: the
 * immediate children of `prefix` the caller may select, through storage.search run as the caller.
 */
export async function listObjects(
  call: StorageCall,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<unknown[]> {
  let prefix = body.prefix;
  if (prefix === undefined) throw STORAGE_ERRORS.badRequest("body must have required property 'prefix'");
  if (typeof prefix !== "string") throw STORAGE_ERRORS.badRequest("body/prefix must be string");
  const limit = int(body, "limit", 1, 100);
  const offset = int(body, "offset", 0, 0);
  const search = body.search ?? "";
  if (typeof search !== "string") throw STORAGE_ERRORS.badRequest("body/search must be string");
  const sortBy = (body.sortBy ?? {}) as Record<string, unknown>;
  const column = sortBy.column ?? "name";
  const order = sortBy.order ?? "asc";
  if (typeof column !== "string" || !SORT_COLUMNS.includes(column)) {
    throw STORAGE_ERRORS.badRequest("body/sortBy/column must be equal to one of the allowed values");
  }
  if (typeof order !== "string") throw STORAGE_ERRORS.badRequest("body/sortBy/order must be string");
  if (prefix.length > 0 && !prefix.endsWith("/")) prefix = `${prefix}/`;
  const { rows } = await asCaller(call, (c) =>
    c.query("select * from storage.search($1, $2, $3, $4, $5, $6, $7)", [
      prefix,
      bucketId,
      limit,
      offset,
      search,
      column,
      order,
    ]),
  );
  return rows;
}
