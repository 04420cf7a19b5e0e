import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { applyMigrations } from "./apply-migrations.ts";
import { freePort } from "./free-port.ts";
import { type RunningPostgres, startPostgres } from "./start-postgres.ts";

/**
 * Names the test run's one Postgres (a superuser URL to its `postgres` database). Set by
 * startTestCluster's callers (scripts/test.ts, the vitest global setups) for the processes they
 * start; while it is set, startTestDatabase copies a template database there instead of starting
 * a cluster of its own.
 */
export const TEST_POSTGRES_ENV = "GATEHOUSE_TEST_POSTGRES_URL";
/** The database holding Supabase's pieces, the migrations and the seed, copied for each test file. */
export const TEMPLATE_DATABASE = "gatehouse_template";

/**
 * A throw-away database with Supabase's pieces, the migrations and the seed applied, for tests and
 * benchmarks. Inside a test run (TEST_POSTGRES_ENV set) it is a copy of the run's template
 * database (`CREATE DATABASE … TEMPLATE`, a few tens of milliseconds), dropped on stop; otherwise a
 * Postgres cluster of its own on a free port (fast settings, deleted on stop).
 */
export async function startTestDatabase(): Promise<RunningPostgres> {
  const shared = process.env[TEST_POSTGRES_ENV];
  if (shared) return copyTemplate(shared);
  return startMigratedCluster();
}

/**
 * The test run's one Postgres: a cluster on a free port with the template database built. Callers
 * put its url in TEST_POSTGRES_ENV for the processes that run the tests.
 */
export async function startTestCluster(): Promise<RunningPostgres> {
  const port = await freePort();
  const dataDir = join(tmpdir(), `gatehouse-pg-${randomBytes(6).toString("hex")}`);
  // Every package's tests share it, stand-ins with their pools included, two lanes at a time.
  const db = await startPostgres({ dataDir, port, ephemeral: true, fast: true, maxConnections: 800 });
  try {
    await withClient(db.url, (c) => c.query(`create database ${TEMPLATE_DATABASE}`));
    await applyMigrations(databaseUrl(db.url, TEMPLATE_DATABASE));
    await withClient(db.url, (c) => c.query(`alter database ${TEMPLATE_DATABASE} with is_template true`));
  } catch (e) {
    await db.stop();
    throw e;
  }
  return db;
}

async function startMigratedCluster(): Promise<RunningPostgres> {
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

async function copyTemplate(serverUrl: string): Promise<RunningPostgres> {
  const name = `gatehouse_test_${randomBytes(6).toString("hex")}`;
  // FILE_COPY copies the template's files and checkpoints once: faster than WAL_LOG for a small
  // database on a cluster with fsync off.
  await withClient(serverUrl, (c) =>
    c.query(`create database ${name} template ${TEMPLATE_DATABASE} strategy file_copy`),
  );
  let stopped = false;
  return {
    url: databaseUrl(serverUrl, name),
    port: Number(new URL(serverUrl).port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await withClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
