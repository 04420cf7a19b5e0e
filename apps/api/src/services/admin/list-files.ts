import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

export interface BucketFile {
  path: string;
  feature: string;
  name: string;
  size: number | null;
  mimetype: string | null;
  updated_at: string;
}

/** Every file of the downloads bucket, with the feature (folder) it needs. */
export async function listBucketFiles(s: Services): Promise<{ files: BucketFile[] }> {
  return { files: await callRpc<BucketFile[]>(s.db, "library_files", {}) };
}
