import { startTestDatabase } from "@gatehouse/sandbox/postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One real Postgres for the whole run, migrations and seed applied, deleted afterwards. */
export default async function setup(project: TestProject) {
  const db = await startTestDatabase();
  project.provide("databaseUrl", db.url);
  return () => db.stop();
}
