import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asOwner, asRole, connect, createUser, errorCode } from "./db.ts";

// The `downloads` bucket as the migrations create it, and what each caller can see of it through
// Postgres alone (Storage itself asks the same questions, as the caller, through RLS).
let pool: pg.Pool;
let user: string;
let basic: string;
let pro: string;
let canceled: string;
let graceOver: string;

beforeAll(async () => {
  pool = connect();
  await asOwner(pool, async (q) => {
    user = await createUser(q);
    basic = await createUser(q);
    pro = await createUser(q);
    canceled = await createUser(q);
    graceOver = await createUser(q);
    await q.query(
      `insert into public.entitlements (user_id, active, status, features, access_ends_at) values
         ($1, true, 'active', '{library.basic}', null),
         ($2, true, 'active', '{library.basic,library.pro,downloads}', null),
         ($3, false, 'canceled', '{}', null),
         ($4, true, 'past_due', '{library.basic,library.pro,downloads}', now() - interval '1 minute')`,
      [basic, pro, canceled, graceOver],
    );
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
    q.query("delete from public.entitlements where user_id = any($1::uuid[])", [[basic, pro, canceled, graceOver]]),
  );
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

  const visible = async (userId: string | null) =>
    asRole(pool, userId ? "authenticated" : "anon", userId, async (q) =>
      (
        await q.query<{ name: string }>(
          "select name from storage.objects where bucket_id = 'downloads' and name in ('library.pro/handbook.pdf', 'library.basic/guide.pdf', 'stray.pdf') order by name",
        )
      ).rows.map((r) => r.name),
    );

  test("Pro reads both tiers' files, Basic only the Basic one, nobody the file outside a feature folder", async () => {
    expect(await visible(pro)).toEqual(["library.basic/guide.pdf", "library.pro/handbook.pdf"]);
    expect(await visible(basic)).toEqual(["library.basic/guide.pdf"]);
  });

  test("anon, no plan, a canceled subscription and a past-due grace that ended read nothing", async () => {
    for (const who of [null, user, canceled, graceOver]) expect(await visible(who)).toEqual([]);
  });

  test("nobody but the service role writes: a Pro subscriber cannot insert, update or delete objects", async () => {
    await asRole(pool, "authenticated", pro, async (q) => {
      expect(
        await errorCode(
          q,
          "insert into storage.objects (bucket_id, name) values ('downloads', 'library.pro/mine.pdf')",
        ),
      ).toBe("42501");
      const updated = await q.query(
        "update storage.objects set name = 'library.pro/x.pdf' where bucket_id = 'downloads'",
      );
      expect(updated.rowCount).toBe(0);
      const deleted = await q.query("delete from storage.objects where bucket_id = 'downloads'");
      expect(deleted.rowCount).toBe(0);
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
