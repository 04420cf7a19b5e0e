// Vitest global setup: one Postgres for the whole test run, with the template database each test
// file copies (startTestDatabase). When the runner already started one (scripts/test.ts sets
// TEST_POSTGRES_ENV), it is reused and this does nothing.
import { startTestCluster, TEST_POSTGRES_ENV } from "./test-database.ts";

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env[TEST_POSTGRES_ENV]) return undefined;
  const cluster = await startTestCluster();
  process.env[TEST_POSTGRES_ENV] = cluster.url;
  return async () => {
    delete process.env[TEST_POSTGRES_ENV];
    await cluster.stop();
  };
}
