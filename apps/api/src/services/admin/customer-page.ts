import { isUuid } from "@gatehouse/types";
import type { DbFunctionResult } from "@gatehouse/types/db-functions";
import { ApiError } from "../../errors.ts";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

/** public.admin_customer() for a known user, as its contract declares it. */
export type CustomerPage = NonNullable<DbFunctionResult<"admin_customer">>;

export const unknownUser = (userId: string) => new ApiError("user_not_found", `No user ${userId}`);

export function checkUserId(userId: string): string {
  if (!isUuid(userId)) throw new ApiError("user_not_found", `No user ${userId}: a user id is a uuid`);
  return userId.toLowerCase();
}

/** Everything the console's customer page shows; 404 for an unknown user. */
export async function readCustomerPage(s: Services, userId: string): Promise<CustomerPage> {
  const id = checkUserId(userId);
  const page = await callRpc(s.db, "admin_customer", { p_user_id: id });
  if (!page) throw unknownUser(id);
  return page;
}
