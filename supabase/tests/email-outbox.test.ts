// Issue 19: the emails a change of access causes are written in the transaction of the change, once
// per dedupe key, and the worker's claim re-checks each against the current state.
import type pg from "pg";
import { describe, expect, test } from "vitest";
import { asOwner, asRole, createUser, errorCode, stripeSubscription, useSeededPool } from "./db.ts";

const pool = useSeededPool();
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

interface Outbox {
  kind: string;
  dedupe_key: string;
  locale: string;
  payload: Record<string, unknown>;
  status: string;
  last_error: string | null;
}

async function customer(q: pg.PoolClient, locale?: string) {
  const user = await createUser(q);
  if (locale) {
    await q.query("reset role");
    await q.query("update auth.users set raw_user_meta_data = jsonb_build_object('locale', $2::text) where id = $1", [
      user,
      locale,
    ]);
    await q.query("set local role service_role");
  }
  const cus = `cus_mail_${user.slice(0, 8)}`;
  await q.query("select public.bind_customer($1, $2)", [user, cus]);
  return { user, cus, sub: `sub_mail_${user.slice(0, 8)}` };
}

async function sync(q: pg.PoolClient, cus: string, subs: unknown[], at?: Date) {
  await q.query("select public.sync_customer($1, $2, $3)", [cus, JSON.stringify(subs), at ?? new Date()]);
}

/** A customer whose subscription goes past due: the id of the one email that queues. */
async function pastDueEmail(q: pg.PoolClient): Promise<string | undefined> {
  const { user, cus, sub } = await customer(q);
  await sync(q, cus, [stripeSubscription({ id: sub, customer: cus, status: "past_due" })]);
  return (await q.query<{ id: string }>("select id from public.email_outbox where user_id = $1", [user])).rows[0]?.id;
}

async function outbox(q: pg.PoolClient, user: string): Promise<Outbox[]> {
  const { rows } = await q.query<Outbox>(
    "select kind, dedupe_key, locale, payload, status, last_error from public.email_outbox where user_id = $1 order by id",
    [user],
  );
  return rows;
}

/** Makes every pending email due and claims them as the worker does. */
async function claim(
  q: pg.PoolClient,
): Promise<Array<{ kind: string; email: string; locale: string; user_id: string }>> {
  await q.query(
    "update public.email_outbox set next_attempt_at = now() - interval '1 second' where status = 'pending'",
  );
  const { rows } = await q.query<{ kind: string; email: string; locale: string; user_id: string }>(
    "select kind, email, locale, user_id from public.claim_emails(1000)",
  );
  return rows;
}

describe("email_outbox", () => {
  test("a failed renewal writes one payment_failed with the plan's amount; re-syncs and older snapshots write nothing more", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus, sub } = await customer(q, "fr");
      const periodEnd = now() + 30 * DAY;
      await sync(q, cus, [stripeSubscription({ id: sub, customer: cus, status: "active", periodEnd })]);
      expect(await outbox(q, user)).toEqual([]);
      const failed = [stripeSubscription({ id: sub, customer: cus, status: "past_due", periodEnd })];
      await sync(q, cus, failed);
      await sync(q, cus, failed);
      await sync(q, cus, [stripeSubscription({ id: sub, customer: cus, status: "active", periodEnd })], new Date(0));
      const rows = await outbox(q, user);
      expect(rows.map((r) => [r.kind, r.dedupe_key, r.locale])).toEqual([
        ["payment_failed", `payment_failed:${sub}:${periodEnd}`, "fr"],
      ]);
      expect(rows[0]?.payload).toMatchObject({
        planName: "Gatehouse Pro",
        amount: 1900,
        currency: "eur",
        subscriptionId: sub,
      });
      const claimed = await claim(q);
      expect(claimed.filter((c) => c.user_id === user).map((c) => [c.kind, c.locale])).toEqual([
        ["payment_failed", "fr"],
      ]);
    });
  });

  test("recovery after a sent failure writes payment_recovered; a failure fixed before sending sends neither", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const periodEnd = now() + 30 * DAY;
      // Sent failure, then recovery.
      const a = await customer(q);
      await sync(q, a.cus, [stripeSubscription({ id: a.sub, customer: a.cus, status: "past_due", periodEnd })]);
      const [sentFailure] = (await claim(q)).filter((c) => c.user_id === a.user);
      expect(sentFailure?.kind).toBe("payment_failed");
      await q.query(
        "select public.finish_email(id, 'sent', null, 're_1') from public.email_outbox where user_id = $1 and kind = 'payment_failed'",
        [a.user],
      );
      await sync(q, a.cus, [stripeSubscription({ id: a.sub, customer: a.cus, status: "active", periodEnd })]);
      expect((await claim(q)).filter((c) => c.user_id === a.user).map((c) => c.kind)).toEqual(["payment_recovered"]);

      // Failure fixed before the worker came by.
      const b = await customer(q);
      await sync(q, b.cus, [stripeSubscription({ id: b.sub, customer: b.cus, status: "past_due", periodEnd })]);
      await sync(q, b.cus, [stripeSubscription({ id: b.sub, customer: b.cus, status: "active", periodEnd })]);
      expect((await claim(q)).filter((c) => c.user_id === b.user)).toEqual([]);
      expect((await outbox(q, b.user)).map((r) => [r.kind, r.status, r.last_error])).toEqual([
        ["payment_failed", "skipped", "the payment was fixed before sending"],
        ["payment_recovered", "skipped", "no payment failure was sent for it"],
      ]);
    });
  });

  test("cancellation scheduled, plan changed and access ended: one each, with their details", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus, sub } = await customer(q);
      const periodEnd = now() + 20 * DAY;
      const base = { id: sub, customer: cus, periodEnd };
      await sync(q, cus, [
        stripeSubscription({ ...base, status: "active", price: "price_basic_monthly", product: "prod_basic" }),
      ]);
      await sync(q, cus, [stripeSubscription({ ...base, status: "active" })]);
      await sync(q, cus, [stripeSubscription({ ...base, status: "active", cancelAtPeriodEnd: true })]);
      await sync(q, cus, [stripeSubscription({ ...base, status: "active", cancelAtPeriodEnd: true })]);
      await sync(q, cus, [stripeSubscription({ ...base, status: "canceled", cancelAtPeriodEnd: true })]);
      await sync(q, cus, [stripeSubscription({ ...base, status: "canceled", cancelAtPeriodEnd: true })]);
      const rows = await outbox(q, user);
      expect(rows.map((r) => r.kind)).toEqual(["plan_changed", "cancellation_scheduled", "access_ended"]);
      expect(rows[2]?.dedupe_key).toBe(`access_ended:${sub}`);
      expect(rows[0]?.payload).toMatchObject({
        planName: "Gatehouse Pro",
        amount: 1900,
        previousPlanName: "Gatehouse Basic",
        previousAmount: 900,
      });
      expect(rows[1]?.dedupe_key).toBe(`cancellation_scheduled:${sub}:${periodEnd}`);
      // Access has ended since: only access_ended is still true.
      expect((await claim(q)).filter((c) => c.user_id === user).map((c) => c.kind)).toEqual(["access_ended"]);
    });
  });

  test("trial_will_end in the ledger writes one trial_ending, however often Stripe delivers it", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus, sub } = await customer(q);
      const trialEnd = now() + 3 * DAY;
      await sync(q, cus, [
        {
          ...stripeSubscription({ id: sub, customer: cus, status: "trialing", periodEnd: trialEnd }),
          trial_start: now() - 4 * DAY,
          trial_end: trialEnd,
        },
      ]);
      for (let i = 0; i < 2; i++) {
        await q.query("select public.record_stripe_event($1, 'customer.subscription.trial_will_end', now(), $2)", [
          `evt_twe_${user.slice(0, 8)}`,
          cus,
        ]);
      }
      await q.query("select public.record_stripe_event($1, 'customer.subscription.trial_will_end', now(), $2)", [
        `evt_twe2_${user.slice(0, 8)}`,
        cus,
      ]);
      const rows = await outbox(q, user);
      expect(rows.map((r) => [r.kind, r.dedupe_key])).toEqual([["trial_ending", `trial_ending:${sub}:${trialEnd}`]]);
      expect(rows[0]?.payload).toMatchObject({
        trialEnd: new Date(trialEnd * 1000).toISOString().replace(".000Z", "+00:00"),
      });
    });
  });

  test("opting out skips the non-essential ones; payment failures still go", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus, sub } = await customer(q);
      await q.query("insert into public.email_preferences (user_id, lifecycle_emails) values ($1, false)", [user]);
      const periodEnd = now() + 20 * DAY;
      await sync(q, cus, [
        stripeSubscription({ id: sub, customer: cus, status: "active", periodEnd, cancelAtPeriodEnd: true }),
      ]);
      expect((await claim(q)).filter((c) => c.user_id === user)).toEqual([]);
      expect((await outbox(q, user)).find((r) => r.kind === "cancellation_scheduled")).toMatchObject({
        status: "skipped",
        last_error: "the user turned these emails off",
      });
      await sync(q, cus, [
        stripeSubscription({ id: sub, customer: cus, status: "past_due", periodEnd, cancelAtPeriodEnd: true }),
      ]);
      expect((await claim(q)).filter((c) => c.user_id === user).map((c) => c.kind)).toEqual(["payment_failed"]);
    });
  });

  test("a deleted user's emails go with them", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus, sub } = await customer(q);
      await sync(q, cus, [stripeSubscription({ id: sub, customer: cus, status: "past_due" })]);
      expect(await outbox(q, user)).toHaveLength(1);
      await q.query("reset role");
      await q.query("delete from auth.users where id = $1", [user]);
      await q.query("set local role service_role");
      expect(await outbox(q, user)).toEqual([]);
    });
  });

  test("finish_email: retry later, refused for good, given up after the last attempt; a finished one stays finished", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const id = await pastDueEmail(q);
      await claim(q);
      const retry = await q.query<{ status: string; attempts: number; later: boolean; last_error: string }>(
        "select status, attempts, next_attempt_at > now() + interval '50 seconds' as later, last_error from public.finish_email($1, 'retry', 'HTTP 500', null, 60)",
        [id],
      );
      expect(retry.rows[0]).toEqual({ status: "pending", attempts: 1, later: true, last_error: "HTTP 500" });
      const failed = await q.query<{ status: string }>(
        "select status from public.finish_email($1, 'retry', 'HTTP 500', null, 0, 1)",
        [id],
      );
      expect(failed.rows[0]?.status).toBe("failed");
      const again = await q.query<{ id: string | null }>(
        "select id from public.finish_email($1, 'sent', null, 're_x')",
        [id],
      );
      expect(again.rows[0]?.id).toBeNull();
      expect(await errorCode(q, "select public.finish_email($1, 'maybe')", [id])).toBe("22023");
    });
  });

  test("the outbox is the service role's only; each user reads only their own preferences, set through the service role", async () => {
    const other = await asOwner(pool, (q) => createUser(q));
    await asRole(pool, "authenticated", null, async (q) => {
      await q.query("reset role");
      const me = await createUser(q);
      await q.query("select set_config('request.jwt.claims', $1, true)", [
        JSON.stringify({ sub: me, role: "authenticated", aud: "authenticated" }),
      ]);
      await q.query("set local role authenticated");
      expect(await errorCode(q, "select * from public.email_outbox")).toBe("42501");
      expect(await errorCode(q, "select public.claim_emails(1)")).toBe("42501");
      expect(await errorCode(q, "select public.set_email_preferences($1, false)", [me])).toBe("42501");
      expect(await errorCode(q, "insert into public.email_preferences (user_id) values ($1)", [me])).toBe("42501");
      await q.query("reset role");
      await q.query("set local role service_role");
      await q.query("select public.set_email_preferences($1, false, 'fr')", [me]);
      await q.query("select public.set_email_preferences($1, null, null)", [me]);
      await q.query("select public.set_email_preferences($1, true)", [other]);
      expect(await errorCode(q, "select public.set_email_preferences($1, true, 'de')", [me])).toBe("22023");
      await q.query("set local role authenticated");
      const mine = await q.query("select user_id, lifecycle_emails, locale from public.email_preferences");
      expect(mine.rows).toEqual([{ user_id: me, lifecycle_emails: false, locale: "fr" }]);
    });
  });
});

describe("email_outbox, continued", () => {
  test("a lifetime purchase writes one receipt with its amount, however often it is synced", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const { user, cus } = await customer(q, "fr");
      const purchase = {
        id: `cs_mail_${user.slice(0, 8)}`,
        status: "paid",
        amount: 17880,
        amountTax: 2980,
        currency: "EUR",
        productId: "prod_pro",
        createdAt: new Date().toISOString(),
      };
      for (let i = 0; i < 2; i++) {
        await q.query("select public.sync_purchases($1, $2)", [cus, JSON.stringify([purchase])]);
      }
      await q.query("select public.sync_purchases($1, $2)", [
        cus,
        JSON.stringify([{ ...purchase, status: "refunded" }]),
      ]);
      const rows = await outbox(q, user);
      expect(rows.map((r) => [r.kind, r.dedupe_key, r.locale])).toEqual([
        ["purchase_receipt", `purchase_receipt:${purchase.id}`, "fr"],
      ]);
      expect(rows[0]?.payload).toMatchObject({
        amount: 17880,
        amountTax: 2980,
        currency: "eur",
        productName: "Gatehouse Pro",
      });
    });
  });

  test("release: the provider's rate limit does not count towards giving up", async () => {
    await asRole(pool, "service_role", null, async (q) => {
      const id = await pastDueEmail(q);
      for (let i = 0; i < 12; i++) {
        await claim(q);
        await q.query("select public.finish_email($1, 'release', 'Resend 429 rate_limit_exceeded', null, 1)", [id]);
      }
      const { rows } = await q.query<{ status: string; attempts: number }>(
        "select status, attempts from public.email_outbox where id = $1",
        [id],
      );
      expect(rows[0]).toEqual({ status: "pending", attempts: 0 });
    });
  });
});
