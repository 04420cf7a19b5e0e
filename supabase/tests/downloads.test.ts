import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asOwner, asRole, connect, createUser } from "./db.ts";

// The `downloads` bucket as the migrations create it, and what each caller can see of it through
// Postgres alone (Storage itself asks the same questions, as the caller, through RLS).
let pool: pg.Pool;
let user: string;

beforeAll(async () => {
  pool = connect();
  await asOwner(pool, async (q) => {
    user = await createUser(q);
    await q.query(
      `insert into storage.objects (bucket_id, name, metadata, version)
       values ('downloads', 'library.pro/handbook.pdf', '{"size": 1200, "mimetype": "application/pdf"}', gen_random_uuid()::text),
              ('downloads', 'library.basic/guide.pdf', '{"size": 300, "mimetype": "application/pdf"}', gen_random_uuid()::text),
              ('downloads', 'stray.pdf', '{"size": 1, "mimetype": "application/pdf"}', gen_random_uuid()::text)
       on conflict do nothing`,
    );
  });
});

afterAll(async () => {
  await asOwner(pool, (q) =>
    q.query(
      "delete from storage.objects where bucket_id = 'downloads' and name in ('library.pro/handbook.pdf', 'library.basic/guide.pdf', 'stray.pdf')",
    ),
  );
  await pool.end();
});

describe("the downloads bucket", () => {
  test("is private, limited to 50 MB and to an allowlist of document and media types", async () => {
    const { rows } = await pool.query(
      "select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'downloads'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].public).toBe(false);
    expect(Number(rows[0].file_size_limit)).toBe(52428800);
    expect(rows[0].allowed_mime_types).toContain("application/pdf");
    expect(rows[0].allowed_mime_types).not.toContain("application/x-msdownload");
  });

  test("the library shelf lists every file in a feature folder, to anon too, without bytes", async () => {
    await asRole(pool, "anon", null, async (q) => {
      const { rows } = await q.query("select path, feature, name, size, mimetype from public.library_files()");
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            path: "library.basic/guide.pdf",
            feature: "library.basic",
            name: "guide.pdf",
            size: "300",
            mimetype: "application/pdf",
          },
          {
            path: "library.pro/handbook.pdf",
            feature: "library.pro",
            name: "handbook.pdf",
            size: "1200",
            mimetype: "application/pdf",
          },
        ]),
      );
      expect(rows.map((r) => r.path)).not.toContain("stray.pdf");
    });
  });

  test("anon and a signed-in user without a plan select no object row", async () => {
    await asRole(pool, "anon", null, async (q) => {
      expect((await q.query("select name from storage.objects where bucket_id = 'downloads'")).rows).toEqual([]);
    });
    await asRole(pool, "authenticated", user, async (q) => {
      expect((await q.query("select name from storage.objects where bucket_id = 'downloads'")).rows).toEqual([]);
    });
  });
});
