import type { SupabaseClient } from "@supabase/supabase-js";
import { useQuery } from "@tanstack/react-query";
import * as z from "zod/mini";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

const purchaseRow = z.object({
  id: z.string(),
  product_id: z.nullable(z.string()),
  status: z.enum(["paid", "refunded", "disputed"]),
  amount: z.coerce.number(),
  amount_refunded: z.coerce.number(),
  currency: z.string(),
  receipt_url: z.nullable(z.string()),
  created_at: z.string(),
});
export type Purchase = z.infer<typeof purchaseRow> & { productName: string | null };

/** The user's one-time purchases, newest first (RLS: the owner reads their own), with product names. */
export async function fetchPurchases(client: SupabaseClient, userId: string): Promise<Purchase[]> {
  const [purchases, products] = await Promise.all([
    client
      .from("purchases")
      .select("id,product_id,status,amount,amount_refunded,currency,receipt_url,created_at")
      .eq("user_id", userId),
    client.from("products").select("id,name"),
  ]);
  if (purchases.error) throw new Error(purchases.error.message);
  if (products.error) throw new Error(products.error.message);
  const names = new Map(
    z
      .array(z.object({ id: z.string(), name: z.string() }))
      .parse(products.data)
      .map((p) => [p.id, p.name]),
  );
  return z
    .array(purchaseRow)
    .parse(purchases.data)
    .map((p) => ({ ...p, productName: p.product_id ? (names.get(p.product_id) ?? null) : null }))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export function usePurchases(userId: string | null) {
  return useQuery({
    queryKey: queryKeys.purchases(userId),
    queryFn: async () => fetchPurchases(await getSupabase(), userId ?? ""),
    enabled: userId !== null,
  });
}
