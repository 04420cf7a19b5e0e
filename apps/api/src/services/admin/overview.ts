import type { DbFunctionResult } from "@gatehouse/types/db-functions";
import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

/** public.admin_overview() with the conversion it implies. */
export type AdminOverview = DbFunctionResult<"admin_overview"> & {
  /** Converted / ended trials in the last 30 days; null when none ended. */
  trialConversion: number | null;
};

/** The console's overview (public.admin_overview says how each figure is measured). */
export async function readOverview(s: Services): Promise<AdminOverview> {
  const o = await callRpc(s.db, "admin_overview", {});
  return { ...o, trialConversion: o.trials30d > 0 ? o.trialsConverted30d / o.trials30d : null };
}
