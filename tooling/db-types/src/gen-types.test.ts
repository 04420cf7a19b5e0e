import { readFileSync } from "node:fs";
import { type RunningPostgres, startTestDatabase } from "@gatehouse/sandbox/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DATABASE_TYPES_PATH, formatWithBiome, generateDatabaseTypes } from "./gen-types.ts";

let db: RunningPostgres;

beforeAll(async () => {
  db = await startTestDatabase();
}, 60_000);

afterAll(async () => {
  await db?.stop();
});

describe("db:types", () => {
  test("the committed packages/types/src/database.ts matches the migrations (run `pnpm db:types` if not)", async () => {
    const fresh = formatWithBiome(await generateDatabaseTypes(db.url));
    expect(readFileSync(DATABASE_TYPES_PATH, "utf8")).toBe(fresh);
  });

  test("follows a migration: tables, identity, arrays, enums, views, foreign keys and functions", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`
        create type public.zz_state as enum ('draft', 'live');
        create table public.zz_notes (
          id bigint generated always as identity primary key,
          tags text[] not null default '{}',
          state public.zz_state,
          product_id text references public.products (id)
        );
        create table public.zz_one (note_id bigint primary key references public.zz_notes (id));
        create view public.zz_live as select id, tags from public.zz_notes where state = 'live';
        create function public.zz_count(p_state public.zz_state default 'live') returns bigint
          language sql stable as $$ select count(*) from public.zz_notes where state = p_state $$;`);
      const types = formatWithBiome(await generateDatabaseTypes(db.url));
      expect(types).toContain("zz_notes: {\n        Row: {\n          id: number;\n");
      expect(types).toContain('state: Database["public"]["Enums"]["zz_state"] | null;');
      expect(types).toContain("tags: string[];");
      expect(types).toMatch(/Insert: \{\n\s+id\?: never;\n\s+product_id\?: string \| null;/);
      expect(types).toMatch(
        /foreignKeyName: "zz_notes_product_id_fkey";\n\s+columns: \["product_id"\];\n\s+isOneToOne: false;\n\s+referencedRelation: "products";/,
      );
      expect(types).toMatch(/foreignKeyName: "zz_one_note_id_fkey";\n\s+columns: \["note_id"\];\n\s+isOneToOne: true;/);
      expect(types).toMatch(/zz_live: \{\n\s+Row: \{\n\s+id: number \| null;\n\s+tags: string\[\] \| null;/);
      expect(types).toMatch(/zz_count: \{\n\s+Args: \{\n\s+p_state\?: Database\["public"\]\["Enums"\]\["zz_state"\];/);
      expect(types).toContain('zz_state: "draft" | "live";');
      expect(types).toContain('zz_state: ["draft", "live"],');
    } finally {
      await client.end();
    }
  });
});
