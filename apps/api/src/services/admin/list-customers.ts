import { SUBSCRIPTION_STATUSES } from "@gatehouse/billing";
import { isUuid } from "@gatehouse/types";
import type { DbFunctionResult } from "@gatehouse/types/db-functions";
import { ApiError } from "../../errors.ts";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";
import { readCursor, signCursor } from "./page-cursor.ts";

/** A row of public.admin_customers() as its contract declares it. */
export type CustomerListItem = DbFunctionResult<"admin_customers">[number];

/** A customer's status in the console: a subscription's, or none. */
export const CUSTOMER_STATUSES = ["none", ...SUBSCRIPTION_STATUSES] as const;

export interface ListQuery {
  q?: string | undefined;
  status?: string | undefined;
  priceId?: string | undefined;
  cursor?: string | undefined;
  limit?: string | undefined;
}

/** One page of customers, newest first; nextCursor (signed) while there are more. */
export async function listCustomers(
  s: Services,
  query: ListQuery,
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  const status = query.status?.trim() || null;
  if (status && !(CUSTOMER_STATUSES as readonly string[]).includes(status)) {
    throw new ApiError("invalid_status", `status must be one of ${CUSTOMER_STATUSES.join(", ")}`);
  }
  const limit = query.limit === undefined ? 25 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ApiError("invalid_limit", "limit must be a whole number from 1 to 100");
  }
  const q = query.q?.trim() ?? "";
  if (q.length > 200) throw new ApiError("invalid_query", "q must be at most 200 characters");
  const secret = s.config.SUPABASE_SECRET_KEY;
  const position = query.cursor ? await readCursor(secret, query.cursor) : null;
  if (position && (!isUuid(position.id) || Number.isNaN(Date.parse(position.at)))) {
    throw new ApiError("invalid_cursor", "This cursor is not one the API gave: start again from the first page");
  }
  const rows = await callRpc(s.db, "admin_customers", {
    p_q: q || null,
    p_status: status,
    p_price_id: query.priceId?.trim() || null,
    p_before_at: position?.at ?? null,
    p_before_id: position?.id ?? null,
    p_limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? await signCursor(secret, { at: last.createdAt, id: last.userId }) : null;
  return { items, nextCursor };
}
