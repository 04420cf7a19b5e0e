import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

const here = import.meta.dirname;
export const repoRoot = join(here, "..", "..", "..", "..");
export const supabaseDir = join(repoRoot, "supabase");
const bootstrapSql = join(here, "..", "..", "sql", "supabase-bootstrap.sql");

export interface ApplyResult {
  applied: string[];
  seeded: boolean;
}

/**
 * Brings a plain Postgres to the state `supabase db reset` gives on Supabase: Supabase's own
 * pieces, then every migration not yet recorded in supabase_migrations.schema_migrations (each in
 * its own transaction), then seed.sql when the database was new.
 */
export async function applyMigrations(databaseUrl: string): Promise<ApplyResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(readFileSync(bootstrapSql, "utf8"));
    const done = new Set(
      (await client.query<{ version: string }>("select version from supabase_migrations.schema_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    const fresh = done.size === 0;
    const dir = join(supabaseDir, "migrations");
    const files = readdirSync(dir)
      .filter((f) => /^\d+_.+\.sql$/.test(f))
      .sort();
    const applied: string[] = [];
    for (const file of files) {
      const [version = "", ...rest] = file.replace(/\.sql$/, "").split("_");
      if (done.has(version)) continue;
      const sql = readFileSync(join(dir, file), "utf8");
      try {
        await client.query("begin");
        await client.query(sql);
        await client.query(
          "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)",
          [version, rest.join("_"), [sql]],
        );
        await client.query("commit");
      } catch (e) {
        await client.query("rollback");
        throw new Error(`migration ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      applied.push(file);
    }
    let seeded = false;
    if (fresh) {
      await client.query(readFileSync(join(supabaseDir, "seed.sql"), "utf8"));
      seeded = true;
    }
    return { applied, seeded };
  } finally {
    await client.end();
  }
}
