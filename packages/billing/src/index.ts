// The billing rules, pure (no I/O): usable in the Worker, the SPA, the tests and the benchmarks.
// The catalog's set-up in Stripe and Supabase (Node, network) is `@gatehouse/billing/catalog-setup`.
export * from "./catalog.ts";
export * from "./entitlement.ts";
export * from "./event-routing.ts";
export * from "./plan-change.ts";
export * from "./purchase-of.ts";
export * from "./reads-purchases.ts";
export * from "./stripe-limits.ts";
