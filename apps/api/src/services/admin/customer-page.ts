import { isUuid } from "@gatehouse/types";
import { ApiError } from "../../errors.ts";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

export interface CustomerPage {
  user: { id: string; email: string | null; createdAt: string; isAdmin: boolean };
  customerId: string | null;
  entitlement: Record<string, unknown> | null;
  subscriptions: Record<string, unknown>[];
  purchases: Record<string, unknown>[];
  history: {
    id: number;
    at: string;
    cause: string;
    eventId: string | null;
    actor: string | null;
    before: Record<string, unknown> | null;
    after: Record<string, unknown>;
  }[];
  events: {
    id: string;
    type: string;
    created: string;
    receivedAt: string;
    processedAt: string | null;
    attempts: number;
    lastError: string | null;
  }[];
}

export const unknownUser = (userId: string) => new ApiError(404, "user_not_found", `No user ${userId}`);

export function checkUserId(userId: string): string {
  if (!isUuid(userId)) throw new ApiError(404, "user_not_found", `No user ${userId}: a user id is a uuid`);
  return userId.toLowerCase();
}

/** Everything the console's customer page shows; 404 for an unknown user. */
export async function readCustomerPage(s: Services, userId: string): Promise<CustomerPage> {
  const id = checkUserId(userId);
  const page = await callRpc<CustomerPage | null>(s.db, "admin_customer", { p_user_id: id });
  if (!page) throw unknownUser(id);
  return page;
}
