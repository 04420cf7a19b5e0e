import { startTestDatabase } from "@gatehouse/sandbox/postgres";
import setupTestCluster from "@gatehouse/sandbox/postgres/test-cluster-setup";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One database for the whole run, migrations and seed applied, dropped afterwards: a copy of the
 * template database on the run's one Postgres (started here unless the runner already did).
 */
export default async function setup(project: TestProject) {
  const stopCluster = await setupTestCluster();
  const db = await startTestDatabase();
  project.provide("databaseUrl", db.url);
  return async () => {
    await db.stop();
    await stopCluster?.();
  };
}
