import type { EntitlementView } from "@gatehouse/types";
import type { AuthUser } from "../../context.ts";
import { callRpc } from "../call-rpc.ts";
import { customerIdOf } from "../customer-id-of.ts";
import { toEntitlementView } from "../entitlement-view.ts";
import type { Services } from "../services.ts";
import { syncCustomer } from "../sync-customer.ts";
import { readEntitlement } from "../sync-user.ts";
import { checkUserId, unknownUser } from "./customer-page.ts";
import { recordAdminAction } from "./record-admin-action.ts";

/** An admin's re-sync of one user: a normal sync with cause admin_resync, recorded. */
export async function resyncCustomer(s: Services, admin: AuthUser, userId: string): Promise<EntitlementView> {
  const id = checkUserId(userId);
  const exists = await callRpc(s.db, "admin_customer", { p_user_id: id });
  if (!exists) throw unknownUser(id);
  const customer = await customerIdOf(s, id);
  const row = customer ? await syncCustomer(s, customer, [], { cause: "admin_resync", actor: admin.id }) : null;
  await recordAdminAction(s, { actor: admin.id, action: "resync", targetUserId: id, target: customer });
  return toEntitlementView(row ?? (await readEntitlement(s, id)));
}
