// `pnpm files:upload <local file> --feature <feature> [--name <file name>] [--type <mime type>]`:
// puts a file in the private Storage bucket `downloads`, under the folder of the feature that
// unlocks it (`library.pro/handbook.pdf`), with the secret key, then prints what the bucket holds.
// Idempotent: a file whose bytes are already there (same MD5 as the stored eTag) is left alone;
// changed bytes replace the object under the same name.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseArgs } from "node:util";
import type { Database, Db } from "@gatehouse/types";
import { createClient } from "@supabase/supabase-js";

export const DOWNLOADS_BUCKET = "downloads";

/** A feature's lookup key, as Stripe's Entitlements features use them (`library.pro`). */
const FEATURE = /^[a-z0-9][a-z0-9._-]{0,79}$/;

const TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".epub": "application/epub+zip",
  ".zip": "application/zip",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
};

export class FilesUploadError extends Error {}

export interface UploadRequest {
  file: string;
  feature: string;
  /** Object file name; default: the local file's name. */
  name?: string;
  /** Content type; default: from the extension. */
  type?: string;
}

export interface UploadResult {
  path: string;
  size: number;
  type: string;
  outcome: "uploaded" | "replaced" | "unchanged";
}

export interface ShelfEntry {
  path: string;
  feature: string;
  size: number;
  type: string;
  updatedAt: string;
}

function storageMessage(e: { message: string; statusCode?: string }): string {
  return e.statusCode ? `${e.message} (${e.statusCode})` : e.message;
}

export async function uploadFile(client: Db, req: UploadRequest): Promise<UploadResult> {
  if (!FEATURE.test(req.feature)) {
    throw new FilesUploadError(`--feature ${req.feature} is not a feature lookup key (like library.pro)`);
  }
  const name = req.name ?? basename(req.file);
  if (!name || name.includes("/") || name === "." || name === "..") {
    throw new FilesUploadError(`--name ${name} must be a plain file name, without folders`);
  }
  const type = req.type ?? TYPES[extname(name).toLowerCase()];
  if (!type) {
    throw new FilesUploadError(
      `cannot tell the type of ${name} from its extension: pass --type (the bucket accepts ${Object.values(TYPES).join(", ")})`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(req.file);
  } catch (e) {
    throw new FilesUploadError(`cannot read ${req.file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const path = `${req.feature}/${name}`;
  const md5 = createHash("md5").update(bytes).digest("hex");
  const bucket = client.storage.from(DOWNLOADS_BUCKET);
  const { data: existing, error: listError } = await bucket.list(req.feature, { search: name, limit: 100 });
  if (listError) throw new FilesUploadError(`reading the bucket failed: ${storageMessage(listError)}`);
  const current = existing?.find((f) => f.name === name);
  const currentTag = (current?.metadata as { eTag?: string } | null | undefined)?.eTag;
  const currentType = (current?.metadata as { mimetype?: string } | null | undefined)?.mimetype;
  if (currentTag === `"${md5}"` && currentType === type) {
    return { path, size: bytes.length, type, outcome: "unchanged" };
  }
  const { error } = await bucket.upload(path, bytes, { contentType: type, upsert: true, cacheControl: "3600" });
  if (error) throw new FilesUploadError(`uploading ${path} failed: ${storageMessage(error)}`);
  return { path, size: bytes.length, type, outcome: current ? "replaced" : "uploaded" };
}

/** Everything in the bucket, folder by folder (the secret key sees all of it). */
export async function listShelf(client: Db): Promise<ShelfEntry[]> {
  const bucket = client.storage.from(DOWNLOADS_BUCKET);
  const { data: folders, error } = await bucket.list("", { limit: 1000 });
  if (error) throw new FilesUploadError(`reading the bucket failed: ${storageMessage(error)}`);
  const out: ShelfEntry[] = [];
  for (const folder of folders ?? []) {
    if (folder.id !== null) continue; // a file at the root: no feature unlocks it
    const { data: files, error: e } = await bucket.list(folder.name, { limit: 1000 });
    if (e) throw new FilesUploadError(`reading ${folder.name}/ failed: ${storageMessage(e)}`);
    for (const f of files ?? []) {
      if (f.id === null) continue;
      const meta = (f.metadata ?? {}) as { size?: number; mimetype?: string };
      out.push({
        path: `${folder.name}/${f.name}`,
        feature: folder.name,
        size: meta.size ?? 0,
        type: meta.mimetype ?? "?",
        updatedAt: f.updated_at ?? "",
      });
    }
  }
  return out;
}

export function formatShelf(entries: ShelfEntry[]): string {
  if (entries.length === 0) return `The ${DOWNLOADS_BUCKET} bucket is empty.`;
  const rows = entries.map((e) => [e.feature, e.path, `${e.size} B`, e.type]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length), 7));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(["feature", "path", "size", "type"]), ...rows.map(line)].join("\n");
}

/** The demo shelf `npm run dev` puts in the sandbox: one file per tier, from supabase/demo-files. */
export const DEMO_FILES_DIR = join(import.meta.dirname, "..", "..", "..", "supabase", "demo-files");

export async function seedDemoFiles(client: Db, dir = DEMO_FILES_DIR): Promise<UploadResult[]> {
  const results: UploadResult[] = [];
  for (const feature of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    for (const file of (await readdir(join(dir, feature.name), { withFileTypes: true })).filter((f) => f.isFile())) {
      results.push(await uploadFile(client, { file: join(dir, feature.name, file.name), feature: feature.name }));
    }
  }
  return results;
}

const USAGE = `usage: files:upload <local file> --feature <feature> [--name <file name>] [--type <mime type>]

Uploads the file to the private Storage bucket "${DOWNLOADS_BUCKET}" under <feature>/<file name>;
subscribers whose plan includes <feature> can download it. Running it again with the same bytes
changes nothing; new bytes replace the file. Prints what the bucket holds. Reads SUPABASE_URL and
SUPABASE_SECRET_KEY from the environment (.env).`;

export function clientFromEnv(env: Record<string, string | undefined>): Db {
  const missing = ["SUPABASE_URL", "SUPABASE_SECRET_KEY"].filter((n) => !env[n]?.trim());
  if (missing.length) {
    throw new FilesUploadError(`${missing.join(", ")} not set: add to .env (see .env.example) or export`);
  }
  return createClient<Database>(env.SUPABASE_URL ?? "", env.SUPABASE_SECRET_KEY ?? "", {
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      feature: { type: "string" },
      name: { type: "string" },
      type: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file || !values.feature || positionals.length > 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const client = clientFromEnv(process.env);
  const result = await uploadFile(client, {
    file,
    feature: values.feature,
    ...(values.name ? { name: values.name } : {}),
    ...(values.type ? { type: values.type } : {}),
  });
  console.log(`${result.path}: ${result.outcome} (${result.size} B, ${result.type})`);
  console.log("");
  console.log(formatShelf(await listShelf(client)));
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    process.exitCode = await main();
  } catch (e) {
    console.error(`files:upload: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
