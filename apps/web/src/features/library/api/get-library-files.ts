import type { SupabaseClient } from "@supabase/supabase-js";
import { queryOptions, useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

export const DOWNLOADS_BUCKET = "downloads";

const shelfRow = z.object({
  path: z.string(),
  feature: z.string(),
  name: z.string(),
  size: z.nullable(z.union([z.number(), z.string()])),
  mimetype: z.nullable(z.string()),
});
type ShelfRow = z.infer<typeof shelfRow>;

const productFeatureRow = z.object({ product_id: z.string(), feature: z.string() });
const productRow = z.object({ id: z.string(), name: z.string() });

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
async function fetchShelf(client: SupabaseClient): Promise<ShelfRow[]> {
  const { data, error } = await client.rpc("library_files");
  if (error) throw new Error(error.message);
  return z.array(shelfRow).parse(data);
}

/**
 * The paths this user may read, asked of Storage itself: listing runs as the user under the
 * bucket's policy, so only unlocked files (and folders holding one) come back.
 */
async function fetchUnlockedPaths(client: SupabaseClient): Promise<Set<string>> {
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
async function fetchPlansByFeature(client: SupabaseClient): Promise<Map<string, string>> {
  const [links, products] = await Promise.all([
    client.from("product_features").select("product_id,feature"),
    client.from("products").select("id,name").eq("active", true),
  ]);
  if (links.error) throw new Error(links.error.message);
  if (products.error) throw new Error(products.error.message);
  return plansByFeature(z.array(productFeatureRow).parse(links.data), z.array(productRow).parse(products.data));
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
export function libraryFiles(shelf: ShelfRow[], unlocked: Set<string>, plans: Map<string, string>): LibraryFile[] {
  const files = shelf.map((row) => ({
    path: row.path,
    name: row.name,
    feature: row.feature,
    size: row.size === null ? null : Number(row.size),
    mimetype: row.mimetype,
    unlocked: unlocked.has(row.path),
    plan: plans.get(row.feature) ?? null,
  }));
  return [...files.filter((f) => f.unlocked), ...files.filter((f) => !f.unlocked)];
}

export async function fetchLibraryFiles(client: SupabaseClient, signedIn: boolean): Promise<LibraryFile[]> {
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
