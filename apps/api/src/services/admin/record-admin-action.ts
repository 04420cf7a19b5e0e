import type { Json } from "@gatehouse/types";
import { UpstreamError } from "../../errors.ts";
import type { Services } from "../services.ts";

export type AdminAction = "resync" | "replay" | "doctor" | "doctor_repair";

/** Records who did what, when (public.admin_actions). */
export async function recordAdminAction(
  s: Services,
  action: { actor: string; action: AdminAction; targetUserId?: string | null; target?: string | null; detail?: Json },
): Promise<void> {
  const { error } = await s.db.from("admin_actions").insert({
    actor: action.actor,
    action: action.action,
    target_user_id: action.targetUserId ?? null,
    target: action.target ?? null,
    detail: action.detail ?? {},
  });
  if (error) throw new UpstreamError("supabase", `admin_actions: ${error.message}`);
}
