// What the scenarios share: the running stack, a pg pool on its database, a Stripe SDK client on
// the stand-in, and the sizes of this run.
import type { Stack } from "@gatehouse/stack";
import type pg from "pg";
import Stripe from "stripe";

export interface Sizes {
  stormCustomers: number;
  deliveryConcurrency: number;
  /**
   * The storm's deliveries are paced at this rate (open loop: they start whatever the API's answers,
   * as Stripe sends a burst of events), so the ack latency is measured at that offered rate.
   */
  deliveryRate: number;
  unlockRuns: number;
  lighthouse: boolean;
}

/** A Stripe SDK client on the stand-in at `url` (plain HTTP): its retries as given, else the SDK's. */
export function standInStripe(url: string, key: string, opts: { maxNetworkRetries?: number; timeout?: number } = {}) {
  const target = new URL(url);
  return new Stripe(key, { host: target.hostname, port: Number(target.port), protocol: "http", ...opts });
}

export interface BenchContext {
  stack: Stack;
  db: pg.Pool;
  stripe: Stripe;
  sizes: Sizes;
  /** `--lighthouse-reports`: where budgets keeps each page's Lighthouse report (JSON), or null. */
  lighthouseReports: string | null;
  /** `--unlock-traces`: where time_to_unlock writes a Chromium trace of each run, or null. */
  unlockTraces: string | null;
  log: (line: string) => void;
}
