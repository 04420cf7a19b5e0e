import type { Db, Tables } from "@gatehouse/types";
import { isPurchaseStatus, type PurchaseStatus } from "@gatehouse/types/db-columns";
import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys.ts";
import { getSupabase } from "@/lib/supabase.ts";

/** A one-time purchase of public.purchases, with its status narrowed to the table's check constraint. */
export type Purchase = Pick<
  Tables<"purchases">,
  "id" | "product_id" | "amount" | "amount_refunded" | "currency" | "receipt_url" | "created_at"
> & { status: PurchaseStatus; productName: string | null };

/** The user's one-time purchases, newest first (RLS: the owner reads their own), with product names. */
export async function fetchPurchases(client: Db, userId: string): Promise<Purchase[]> {
  const [purchases, products] = await Promise.all([
    client
      .from("purchases")
      .select("id,product_id,status,amount,amount_refunded,currency,receipt_url,created_at")
      .eq("user_id", userId),
    client.from("products").select("id,name"),
  ]);
  if (purchases.error) throw new Error(purchases.error.message);
  if (products.error) throw new Error(products.error.message);
  const names = new Map(products.data.map((p) => [p.id, p.name]));
  return purchases.data
    .flatMap(({ status, ...p }) =>
      isPurchaseStatus(status)
        ? [{ ...p, status, productName: p.product_id ? (names.get(p.product_id) ?? null) : null }]
        : [],
    )
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export function usePurchases(userId: string | null) {
  return useQuery({
    queryKey: queryKeys.purchases(userId),
    queryFn: async () => fetchPurchases(await getSupabase(), userId ?? ""),
    enabled: userId !== null,
  });
}
