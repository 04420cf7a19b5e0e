import { callRpc } from "../call-rpc.ts";
import type { Services } from "../services.ts";

export interface AdminOverview {
  mrr: { currency: string; amount: number }[];
  byStatus: Record<string, number>;
  new30d: number;
  churned30d: number;
  trials30d: number;
  trialsConverted30d: number;
  /** Converted / ended trials in the last 30 days; null when none ended. */
  trialConversion: number | null;
  ledger: { waiting: number; failed: number; deadLetter: number };
  customers: number;
  at: string;
}

/** The console's overview (public.admin_overview says how each figure is measured). */
export async function readOverview(s: Services): Promise<AdminOverview> {
  const o = await callRpc<Omit<AdminOverview, "trialConversion">>(s.db, "admin_overview", {});
  return { ...o, trialConversion: o.trials30d > 0 ? o.trialsConverted30d / o.trials30d : null };
}
