import type { Db } from "@gatehouse/types";
import type { DbFunctionResult } from "@gatehouse/types/db-functions";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

export const DOWNLOADS_BUCKET = "downloads";

/** A file of public.library_files(), as its contract declares it (size and type come from metadata). */
type ShelfRow = DbFunctionResult<"library_files">[number];

export interface LibraryFile {
  path: string;
  name: string;
  feature: string;
  size: number | null;
  mimetype: string | null;
  /** Storage lets this user read it (the storage policy said so when the list was made). */
  unlocked: boolean;
  /** The smallest plan that includes the file's feature, for the locked rows. */
  plan: string | null;
}

/** Every file in the bucket, from public.library_files(): names, sizes, types, never the bytes. */
async function fetchShelf(client: Db): Promise<ShelfRow[]> {
  const { data, error } = await client.rpc("library_files");
  if (error) throw new Error(error.message);
  // Generated as never null; the contract's nullable size and type are the wider, true type.
  const rows: ShelfRow[] = data;
  return rows;
}

/**
 * The paths this user may read, asked of Storage itself: listing runs as the user under the
 * bucket's policy, so only unlocked files (and folders holding one) come back.
 */
async function fetchUnlockedPaths(client: Db): Promise<Set<string>> {
  const bucket = client.storage.from(DOWNLOADS_BUCKET);
  const { data: folders, error } = await bucket.list("", { limit: 1000 });
  if (error) throw new Error(error.message);
  const paths = new Set<string>();
  for (const folder of folders ?? []) {
    if (folder.id !== null) continue;
    const { data: files, error: e } = await bucket.list(folder.name, { limit: 1000 });
    if (e) throw new Error(e.message);
    for (const f of files ?? []) if (f.id !== null) paths.add(`${folder.name}/${f.name}`);
  }
  return paths;
}

/** feature → the name of the active plan with the fewest features that includes it. */
async function fetchPlansByFeature(client: Db): Promise<Map<string, string>> {
  const [links, products] = await Promise.all([
    client.from("product_features").select("product_id,feature"),
    client.from("products").select("id,name").eq("active", true),
  ]);
  if (links.error) throw new Error(links.error.message);
  if (products.error) throw new Error(products.error.message);
  return plansByFeature(links.data, products.data);
}

export function plansByFeature(
  links: { product_id: string; feature: string }[],
  products: { id: string; name: string }[],
): Map<string, string> {
  const names = new Map(products.map((p) => [p.id, p.name]));
  const featureCount = new Map<string, number>();
  for (const l of links) featureCount.set(l.product_id, (featureCount.get(l.product_id) ?? 0) + 1);
  const best = new Map<string, string>();
  for (const l of links) {
    if (!names.has(l.product_id)) continue;
    const current = best.get(l.feature);
    if (!current || (featureCount.get(l.product_id) ?? 0) < (featureCount.get(current) ?? 0)) {
      best.set(l.feature, l.product_id);
    }
  }
  return new Map([...best].map(([feature, productId]) => [feature, names.get(productId) ?? productId]));
}

/** The shelf as this user sees it: unlocked files first, each locked one with the plan that opens it. */
export function libraryFiles(
  shelf: readonly Pick<ShelfRow, "path" | "name" | "feature" | "size" | "mimetype">[],
  unlocked: Set<string>,
  plans: Map<string, string>,
): LibraryFile[] {
  const files = shelf.map((row) => ({
    path: row.path,
    name: row.name,
    feature: row.feature,
    size: row.size,
    mimetype: row.mimetype,
    unlocked: unlocked.has(row.path),
    plan: plans.get(row.feature) ?? null,
  }));
  return [...files.filter((f) => f.unlocked), ...files.filter((f) => !f.unlocked)];
}

export async function fetchLibraryFiles(client: Db, signedIn: boolean): Promise<LibraryFile[]> {
  const [shelf, unlocked, plans] = await Promise.all([
    fetchShelf(client),
    signedIn ? fetchUnlockedPaths(client) : Promise.resolve(new Set<string>()),
    fetchPlansByFeature(client),
  ]);
  return libraryFiles(shelf, unlocked, plans);
}

export const libraryFilesQueryOptions = (userId: string | null) =>
  queryOptions({
    queryKey: queryKeys.libraryFiles(userId),
    queryFn: async () => fetchLibraryFiles(await getSupabase(), userId !== null),
  });

export function useLibraryFiles(userId: string | null) {
  return useQuery(libraryFilesQueryOptions(userId));
}
