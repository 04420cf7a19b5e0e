import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { asOwner, createUser, errorCode, useSeededPool } from "./db.ts";

const connect = () => new pg.Pool({ connectionString: inject("databaseUrl"), max: 4 });

const pool = useSeededPool();

describe("bind_customer under concurrency", () => {
  it("many simultaneous binds of fresh users never fail (the race on the customer id's unique index)", async () => {
    const racePool = connect();
    try {
      const users = await asOwner(pool, async (q) => {
        const ids: string[] = [];
        for (let i = 0; i < 150; i++) ids.push(await createUser(q));
        return ids;
      });
      const failures: string[] = [];
      for (const user of users) {
        const cus = `cus_many_${user.slice(0, 12)}`;
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, () =>
            racePool.query<{ c: string }>("select public.bind_customer($1, $2) as c", [user, cus]),
          ),
        );
        for (const r of results) {
          if (r.status === "rejected") failures.push(String((r.reason as { code?: string }).code));
          else if (r.value.rows[0]?.c !== cus) failures.push(`bound ${r.value.rows[0]?.c}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await racePool.end();
    }
  });

  it("a customer bound to another user is still a unique violation", async () => {
    const cus = `cus_taken_${randomUUID().slice(0, 8)}`;
    await asOwner(pool, async (q) => {
      const owner = await createUser(q);
      const other = await createUser(q);
      await q.query("begin");
      await q.query("select public.bind_customer($1, $2)", [owner, cus]);
      expect(await errorCode(q, "select public.bind_customer($1, $2)", [other, cus])).toBe("23505");
      await q.query("rollback");
    });
  });
});
