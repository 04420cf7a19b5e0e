export { type ApplyResult, applyMigrations, repoRoot, supabaseDir } from "./apply-migrations.ts";
export { freePort } from "./free-port.ts";
export { inTransaction } from "./in-transaction.ts";
export {
  assertPortFree,
  POSTGRES_PASSWORD,
  POSTGRES_USER,
  type RunningPostgres,
  SandboxStartError,
  type StartPostgresOptions,
  startPostgres,
} from "./start-postgres.ts";
export { startTestCluster, startTestDatabase, TEMPLATE_DATABASE, TEST_POSTGRES_ENV } from "./test-database.ts";
