// What the scenarios share: the running stack, a pg pool on its database, a Stripe SDK client on
// the stand-in, and the sizes of this run.
import type { Stack } from "@gatehouse/stack";
import type pg from "pg";
import type Stripe from "stripe";

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

export interface BenchContext {
  stack: Stack;
  db: pg.Pool;
  stripe: Stripe;
  sizes: Sizes;
  log: (line: string) => void;
}
