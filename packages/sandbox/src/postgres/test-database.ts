import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations } from "./apply-migrations.ts";
import { freePort, type RunningPostgres, startPostgres } from "./start-postgres.ts";

/**
 * A throw-away Postgres on a free port with Supabase's pieces, the migrations and the seed applied.
 * For tests and benchmarks: fast settings, deleted on stop.
 */
export async function startTestDatabase(): Promise<RunningPostgres> {
  const port = await freePort();
  const dataDir = join(tmpdir(), `gatehouse-pg-${randomBytes(6).toString("hex")}`);
  const db = await startPostgres({ dataDir, port, ephemeral: true, fast: true });
  try {
    await applyMigrations(db.url);
  } catch (e) {
    await db.stop();
    throw e;
  }
  return db;
}
