import type { DbFunctionResult } from "@gatehouse/types/db-functions";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

/** A file of the downloads bucket: public.library_files() as its contract declares it. */
export type BucketFile = DbFunctionResult<"library_files">[number];

/** Every file of the downloads bucket, with the feature (folder) it needs. */
export async function listBucketFiles(s: Services): Promise<{ files: BucketFile[] }> {
  return { files: await callRpc(s.db, "library_files", {}) };
}
