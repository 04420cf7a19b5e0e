// Vitest global setup: the sandbox's one Postgres for the run (reused when scripts/test.ts started it).
export { default } from "@gatehouse/sandbox/postgres/test-cluster-setup";
