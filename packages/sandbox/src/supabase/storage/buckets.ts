import { isValidBucketName } from "./object-key.ts";
import type { StorageCall } from "./storage-context.ts";
import { asCaller, BUCKET_COLUMNS, type BucketRow } from "./storage-db.ts";
import { STORAGE_ERRORS, StorageError } from "./storage-error.ts";

/** Storage's size strings: `20GB`, `20MB`, `30KB`, `3B` (decimal units), or a number of bytes. */
export function parseFileSizeLimit(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "string") {
    const m = v.match(/^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i);
    if (m?.[1] && m[2]) {
      const unit = { GB: 1e9, MB: 1e6, KB: 1e3, B: 1 }[m[2].toUpperCase() as "GB" | "MB" | "KB" | "B"];
      return Math.round(Number.parseFloat(m[1]) * unit);
    }
  }
  throw STORAGE_ERRORS.badRequest("Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B");
}

/** GET `/bucket` and `/bucket/<id>`: what the caller may select of storage.buckets. */
export async function readBuckets(call: StorageCall, id: string | undefined): Promise<BucketRow[] | BucketRow> {
  const { rows } = await asCaller(call, (c) =>
    id === undefined
      ? c.query<BucketRow>(`select ${BUCKET_COLUMNS} from storage.buckets order by id`)
      : c.query<BucketRow>(`select ${BUCKET_COLUMNS} from storage.buckets where id = $1`, [id]),
  );
  if (id === undefined) return rows;
  const bucket = rows[0];
  if (!bucket) throw STORAGE_ERRORS.noSuchBucket();
  return bucket;
}

/** POST `/bucket` `{id, name, public, file_size_limit, allowed_mime_types}` → `{name}`, as the caller. */
export async function createBucket(call: StorageCall, body: Record<string, unknown>): Promise<{ name: string }> {
  const id = body.id ?? body.name;
  if (typeof id !== "string") throw STORAGE_ERRORS.badRequest("body must have required property 'name'");
  if (!isValidBucketName(id)) throw STORAGE_ERRORS.invalidBucketName(id);
  if (body.type !== undefined && body.type !== "STANDARD")
    throw STORAGE_ERRORS.notSupported(`Bucket type ${String(body.type)}`);
  const mimeTypes = body.allowed_mime_types ?? null;
  if (mimeTypes !== null && (!Array.isArray(mimeTypes) || mimeTypes.some((m) => typeof m !== "string"))) {
    throw STORAGE_ERRORS.badRequest("body/allowed_mime_types must be array");
  }
  const { who } = call;
  const owner = who.role === "authenticated" && typeof who.claims.sub === "string" ? who.claims.sub : null;
  try {
    await asCaller(call, (c) =>
      c.query(
        `insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
         values ($1, $1, $2::uuid, $2::text, $3, $4, $5)`,
        [id, owner, body.public === true, parseFileSizeLimit(body.file_size_limit), mimeTypes],
      ),
    );
  } catch (e) {
    if (e instanceof StorageError && e.code === "KeyAlreadyExists") throw STORAGE_ERRORS.bucketAlreadyExists();
    throw e;
  }
  return { name: id };
}
