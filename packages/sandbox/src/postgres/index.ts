export { type ApplyResult, applyMigrations, repoRoot, supabaseDir } from "./apply-migrations.ts";
export {
  assertPortFree,
  freePort,
  POSTGRES_PASSWORD,
  POSTGRES_USER,
  type RunningPostgres,
  SandboxStartError,
  type StartPostgresOptions,
  startPostgres,
} from "./start-postgres.ts";
export { startTestDatabase } from "./test-database.ts";
