import type pg from "pg";
import { inTransaction } from "../../postgres/in-transaction.ts";
import { isPgError } from "../rest/pg-error.ts";
import { inRequestTransaction } from "../rest/request-transaction.ts";
import type { StorageCall } from "./storage-context.ts";
import { STORAGE_ERRORS, StorageError } from "./storage-error.ts";

export interface BucketRow {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface ObjectRow {
  id: string;
  name: string;
  version: string | null;
  metadata: ObjectMetadata | null;
}

export interface ObjectMetadata {
  eTag: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  lastModified: string;
  contentLength: number;
  httpStatusCode: number;
}

export const BUCKET_COLUMNS =
  "id, name, owner, public, file_size_limit::float8 as file_size_limit, allowed_mime_types, created_at, updated_at";

/** Postgres errors as Storage reports them (storage's DBError mapping). */
export function storageErrorFromPg(e: unknown): unknown {
  if (!isPgError(e)) return e;
  if (e.code === "42501") return STORAGE_ERRORS.accessDenied("new row violates row-level security policy");
  if (e.code === "23505") return STORAGE_ERRORS.keyAlreadyExists();
  if (e.code === "23503") return STORAGE_ERRORS.noSuchBucket();
  return e;
}

/** Runs fn as the caller (role, claims, RLS), exactly as the PostgREST path does. */
export async function asCaller<T>(call: StorageCall, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  try {
    return await inRequestTransaction(call.st.ctx.db, call.who, call.req, call.path, fn);
  } catch (e) {
    throw storageErrorFromPg(e);
  }
}

class Rollback extends Error {}

/** Storage's testPermission: runs the write as the caller to let RLS decide, then rolls it back. */
export async function testPermission(call: StorageCall, fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
  try {
    await asCaller(call, async (c) => {
      await fn(c);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
}

/** The bucket, read with Storage's own (superuser) rights; NoSuchBucket when absent. */
export async function findBucket(db: pg.Pool, id: string): Promise<BucketRow> {
  const { rows } = await db.query<BucketRow>(`select ${BUCKET_COLUMNS} from storage.buckets where id = $1`, [id]);
  const bucket = rows[0];
  if (!bucket) throw STORAGE_ERRORS.noSuchBucket();
  return bucket;
}

/** One object by bucket and name on the given connection (as whoever runs it); NoSuchKey when hidden. */
export async function findObject(c: pg.PoolClient | pg.Pool, bucketId: string, name: string): Promise<ObjectRow> {
  const { rows } = await c.query<ObjectRow>(
    "select id, name, version, metadata from storage.objects where bucket_id = $1 and name = $2",
    [bucketId, name],
  );
  const obj = rows[0];
  if (!obj) throw STORAGE_ERRORS.noSuchKey();
  return obj;
}

/**
 * Records a finished upload with Storage's rights (as storage's completeUpload does): the object
 * row now points at the new version; returns its id and the version it replaced, if any.
 */
export async function completeUpload(
  db: pg.Pool,
  o: {
    bucketId: string;
    name: string;
    owner: string | null;
    version: string;
    metadata: ObjectMetadata;
    userMetadata: Record<string, unknown> | null;
    mustBeNew: boolean;
  },
): Promise<{ id: string; replaced: string | null }> {
  return inTransaction(db, async (c) => {
    const current = await c.query<{ version: string | null }>(
      "select version from storage.objects where bucket_id = $1 and name = $2 for update",
      [o.bucketId, o.name],
    );
    const existing = current.rows[0];
    if (existing && o.mustBeNew) throw STORAGE_ERRORS.keyAlreadyExists();
    const { rows } = await c.query<{ id: string }>(
      `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
       values ($1, $2, $3::uuid, $3::text, $4, $5, $6)
       on conflict (bucket_id, name) do update
         set owner = excluded.owner, owner_id = excluded.owner_id, version = excluded.version,
             metadata = excluded.metadata, user_metadata = excluded.user_metadata, last_accessed_at = now()
       returning id`,
      [
        o.bucketId,
        o.name,
        o.owner,
        o.version,
        JSON.stringify(o.metadata),
        o.userMetadata && JSON.stringify(o.userMetadata),
      ],
    );
    const row = rows[0];
    if (!row) throw new StorageError(500, "InternalError", "object row not written");
    return { id: row.id, replaced: existing?.version ?? null };
  });
}
