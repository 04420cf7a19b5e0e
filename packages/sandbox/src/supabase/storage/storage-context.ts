import type { StandInContext } from "../context.ts";
import type { RequestRole } from "../request-role.ts";
import type { BlobStore } from "./blob-store.ts";
import type { UrlSigner } from "./url-signing.ts";

/** Supabase's default global upload limit (free plan): 50 MB. */
export const GLOBAL_FILE_SIZE_LIMIT = 50 * 1024 * 1024;

/** What the storage handlers share on top of the stand-in's context. */
export interface StorageContext {
  ctx: StandInContext;
  blobs: BlobStore;
  signer: UrlSigner;
  /** The project-wide upload limit; a bucket's own limit can only lower it. */
  globalFileSizeLimit: number;
}

/** One request to Storage: the handlers' context, the request, who asks (role, claims) and its path. */
export interface StorageCall {
  st: StorageContext;
  req: Request;
  who: RequestRole;
  path: string;
}
