// The checkout lease (issue 12, chaos checkout-abuse): Checkout Sessions of one user are opened and
// closed by one request at a time, and only the request that still holds the lease records its session.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { asOwner, asRole, createUser, errorCode, useSeededPool } from "./db.ts";

const pool = useSeededPool();

async function customer(q: pg.PoolClient, open: string | null = null): Promise<string> {
  const user = await createUser(q);
  await q.query(
    "insert into public.customers (user_id, stripe_customer_id, open_checkout_session_id) values ($1, $2, $3)",
    [user, `cus_${user.slice(0, 12)}`, open],
  );
  return user;
}

const take = async (q: pg.PoolClient, user: string, token: string, seconds = 30) =>
  (
    await q.query<{ r: { taken: boolean; openSessionId: string | null } }>(
      "select public.take_checkout_lease($1, $2, $3) as r",
      [user, token, seconds],
    )
  ).rows[0]?.r;
const release = async (q: pg.PoolClient, user: string, token: string, session: string | null) =>
  (await q.query<{ r: boolean }>("select public.release_checkout_lease($1, $2, $3) as r", [user, token, session]))
    .rows[0]?.r;

describe("checkout lease", () => {
  it("one holder at a time; the holder renews, records its session on release, and the next one sees it", async () => {
    await asOwner(pool, async (q) => {
      await q.query("begin");
      const user = await customer(q, "cs_first");
      const [a, b] = [randomUUID(), randomUUID()];
      expect(await take(q, user, a)).toEqual({ taken: true, openSessionId: "cs_first" });
      expect(await take(q, user, b)).toEqual({ taken: false, openSessionId: "cs_first" });
      expect(await take(q, user, a)).toEqual({ taken: true, openSessionId: "cs_first" }); // renewal
      expect(await release(q, user, a, "cs_second")).toBe(true);
      expect(await take(q, user, b)).toEqual({ taken: true, openSessionId: "cs_second" });
      // a's release tried again after its answer was lost: its session is recorded, so still true
      expect(await release(q, user, a, "cs_second")).toBe(true);
      await q.query("rollback");
    });
  });

  it("a lease that ran out is taken over, and its old holder can no longer record a session", async () => {
    await asOwner(pool, async (q) => {
      await q.query("begin");
      const user = await customer(q);
      const [stale, next] = [randomUUID(), randomUUID()];
      expect((await take(q, user, stale))?.taken).toBe(true);
      await q.query(
        "update public.customers set checkout_lease_until = now() - interval '1 second' where user_id = $1",
        [user],
      );
      expect((await take(q, user, next))?.taken).toBe(true);
      expect(await release(q, user, stale, "cs_stale")).toBe(false);
      expect(await release(q, user, next, "cs_next")).toBe(true);
      const { rows } = await q.query("select open_checkout_session_id from public.customers where user_id = $1", [
        user,
      ]);
      expect(rows[0]?.open_checkout_session_id).toBe("cs_next");
      await q.query("rollback");
    });
  });

  it("is the API's alone: signed-in users cannot take or release it", async () => {
    const user = await asOwner(pool, (q) => customer(q));
    await asRole(pool, "authenticated", user, async (q) => {
      expect(await errorCode(q, "select public.take_checkout_lease($1, 'x', 30)", [user])).toBe("42501");
      expect(await errorCode(q, "select public.release_checkout_lease($1, 'x', 'cs_x')", [user])).toBe("42501");
    });
  });
});
