import { describe, expect, test } from "vitest";
import {
  adminSelect,
  api,
  asService,
  createUser,
  deliver,
  entitlementOf,
  eventsFor,
  prices,
  serviceRest,
  signIn,
  stripe,
  subscribe,
  type TestUser,
  urls,
} from "./helpers.ts";

async function setRole(userId: string, role: "admin" | null): Promise<void> {
  const res = await fetch(
    `${urls.supabase}/auth/v1/admin/users/${userId}`,
    asService({ method: "PUT", body: JSON.stringify({ app_metadata: { role } }) }),
  );
  if (!res.ok) throw new Error(`set role: ${res.status} ${await res.text()}`);
}

async function makeAdmin(): Promise<TestUser> {
  const user = await createUser();
  await setRole(user.id, "admin");
  return { ...user, token: (await signIn(user.email)).access_token };
}

const ADMIN_ROUTES: [string, string, unknown?][] = [
  ["GET", "/api/admin/overview"],
  ["GET", "/api/admin/files"],
  ["GET", "/api/admin/customers"],
  ["GET", "/api/admin/customers/00000000-0000-4000-8000-000000000000"],
  ["POST", "/api/admin/customers/00000000-0000-4000-8000-000000000000/resync"],
  ["POST", "/api/admin/events/evt_123/replay"],
  ["POST", "/api/admin/doctor", {}],
  ["GET", "/api/admin/doctor/00000000-0000-4000-8000-000000000000"],
];

describe("admin routes: who may call them", () => {
  test("a signed-in non-admin gets 403 forbidden on every admin route; no token gets 401", async () => {
    const user = await createUser();
    for (const [method, path, json] of ADMIN_ROUTES) {
      const res = await api(path, { method, token: user.token, ...(json ? { json } : {}) });
      expect([path, res.status]).toEqual([path, 403]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
      expect((await api(path, { method, ...(json ? { json } : {}) })).status).toBe(401);
    }
  });

  test("the claim alone is not enough, and a revoked admin is refused at once with the old token", async () => {
    const admin = await makeAdmin();
    expect((await api("/api/admin/overview", { token: admin.token })).status).toBe(200);
    await setRole(admin.id, null);
    const res = await api("/api/admin/overview", { token: admin.token });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
  });

  test("/api/me tells the SPA the role from the token", async () => {
    const admin = await makeAdmin();
    const me = (await (await api("/api/me", { token: admin.token })).json()) as { user: { role: string | null } };
    expect(me.user.role).toBe("admin");
  });
});

describe("admin console API", () => {
  test("finds a customer, reads their page, re-syncs (cause admin_resync), replays an event (cause replay), all recorded", async () => {
    const admin = await makeAdmin();
    const sub = await subscribe(prices.monthly());
    await deliver(await eventsFor(sub.customer));

    const found = await api(`/api/admin/customers?q=${encodeURIComponent(sub.user.email)}`, { token: admin.token });
    expect(found.status).toBe(200);
    const list = (await found.json()) as { items: { userId: string; customerId: string }[]; nextCursor: string | null };
    expect(list.items.map((i) => [i.userId, i.customerId])).toEqual([[sub.user.id, sub.customer]]);
    const byCustomer = (await (
      await api(`/api/admin/customers?q=${sub.customer}&status=active`, { token: admin.token })
    ).json()) as { items: { userId: string }[] };
    expect(byCustomer.items.map((i) => i.userId)).toEqual([sub.user.id]);
    const byPlan = async (priceId: string) =>
      (
        (await (
          await api(`/api/admin/customers?q=${sub.customer}&priceId=${priceId}`, { token: admin.token })
        ).json()) as { items: { userId: string }[] }
      ).items.map((i) => i.userId);
    expect(await byPlan(prices.monthly())).toEqual([sub.user.id]);
    expect(await byPlan(prices.proMonthly())).toEqual([]);

    // Drift the database, then the admin re-syncs: history says admin_resync, by this admin.
    await serviceRest(`entitlements?user_id=eq.${sub.user.id}`, {
      method: "PATCH",
      body: JSON.stringify({ active: false }),
    });
    const resynced = await api(`/api/admin/customers/${sub.user.id}/resync`, { method: "POST", token: admin.token });
    expect(resynced.status).toBe(200);
    expect(((await resynced.json()) as { entitlement: { active: boolean } }).entitlement.active).toBe(true);

    // A failed event: the ledger keeps it unprocessed with its error; the replay processes it.
    const [failed] = await adminSelect<{ id: string }>(
      "stripe_events",
      `customer_id=eq.${sub.customer}&select=id&order=received_at.desc&limit=1`,
    );
    if (!failed) throw new Error("no event of this customer in the ledger");
    await serviceRest(`stripe_events?id=eq.${failed.id}`, {
      method: "PATCH",
      body: JSON.stringify({ processed_at: null, last_error: "stripe: timeout" }),
    });
    await stripe.subscriptions.update(sub.subscription, { cancel_at_period_end: true });
    const replayed = await api(`/api/admin/events/${failed.id}/replay`, { method: "POST", token: admin.token });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({ outcome: "processed" });

    const page = (await (await api(`/api/admin/customers/${sub.user.id}`, { token: admin.token })).json()) as {
      customerId: string;
      subscriptions: { id: string }[];
      history: { cause: string; actor: string | null; eventId: string | null }[];
      events: { id: string; processedAt: string | null }[];
    };
    expect(page.customerId).toBe(sub.customer);
    expect(page.subscriptions.map((s) => s.id)).toEqual([sub.subscription]);
    expect(page.history.slice(0, 3).map((h) => [h.cause, h.actor, h.eventId])).toEqual([
      ["replay", admin.id, failed.id],
      ["admin_resync", admin.id, null],
      ["database", null, null],
    ]);
    expect(page.events.find((e) => e.id === failed.id)?.processedAt).not.toBeNull();
    const actions = await adminSelect<{ action: string; target: string | null }>(
      "admin_actions",
      `actor=eq.${admin.id}&select=action,target&order=id`,
    );
    expect(actions).toEqual([
      { action: "resync", target: sub.customer },
      { action: "replay", target: failed.id },
    ]);
  });

  test("bad input: unknown user 404, unknown event 404, tampered cursor 400, bad status 400", async () => {
    const admin = await makeAdmin();
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const [method, path] of [
      ["GET", `/api/admin/customers/${unknown}`],
      ["POST", `/api/admin/customers/${unknown}/resync`],
      ["GET", "/api/admin/customers/not-a-uuid"],
    ] as const) {
      const res = await api(path, { method, token: admin.token });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("user_not_found");
    }
    const noEvent = await api("/api/admin/events/evt_does_not_exist/replay", { method: "POST", token: admin.token });
    expect(noEvent.status).toBe(404);
    expect(((await noEvent.json()) as { error: { code: string } }).error.code).toBe("event_not_found");

    // Two users so that a page of one has a next cursor.
    await createUser();
    await createUser();
    const first = (await (await api("/api/admin/customers?limit=1", { token: admin.token })).json()) as {
      items: { userId: string }[];
      nextCursor: string;
    };
    expect(first.nextCursor).toBeTruthy();
    const second = (await (
      await api(`/api/admin/customers?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, { token: admin.token })
    ).json()) as { items: { userId: string }[] };
    expect(second.items[0]?.userId).not.toBe(first.items[0]?.userId);
    const [body, mac] = first.nextCursor.split(".");
    const forged = `${btoa(JSON.stringify(["2999-01-01T00:00:00Z", unknown])).replace(/=+$/, "")}.${mac}`;
    for (const cursor of [forged, `${body}.AAAA`, "garbage", `${body}`]) {
      const res = await api(`/api/admin/customers?cursor=${encodeURIComponent(cursor)}`, { token: admin.token });
      expect([cursor, res.status]).toEqual([cursor, 400]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_cursor");
    }
    expect((await api("/api/admin/customers?status=rich", { token: admin.token })).status).toBe(400);
    expect((await api("/api/admin/customers?limit=1000", { token: admin.token })).status).toBe(400);
    expect(
      (await api("/api/admin/doctor", { method: "POST", token: admin.token, json: { repair: "yes" } })).status,
    ).toBe(400);
  });

  test("overview: MRR by currency equals the sum over Stripe's paying subscriptions, normalised to a month", async () => {
    const admin = await makeAdmin();
    await subscribe(prices.yearly());
    type Overview = {
      mrr: { currency: string; amount: number }[];
      byStatus: Record<string, number>;
      ledger: { waiting: number; failed: number; deadLetter: number };
    };
    // Independently: every subscription Stripe has that the database mirrors, active or past_due.
    const stripeMrr = async () => {
      const mirrored = new Set(
        (await adminSelect<{ id: string }>("subscriptions", "select=id&status=in.(active,past_due)")).map((r) => r.id),
      );
      const sums = new Map<string, number>();
      for await (const s of stripe.subscriptions.list({ status: "all", limit: 100 })) {
        if (!mirrored.has(s.id) || (s.status !== "active" && s.status !== "past_due")) continue;
        for (const item of s.items.data) {
          const p = item.price;
          const per =
            p.recurring?.interval === "year"
              ? 1 / 12
              : p.recurring?.interval === "week"
                ? 52 / 12
                : p.recurring?.interval === "day"
                  ? 365 / 12
                  : 1;
          const amount = ((p.unit_amount ?? 0) * (item.quantity ?? 1) * per) / (p.recurring?.interval_count ?? 1);
          sums.set(p.currency, (sums.get(p.currency) ?? 0) + amount);
        }
      }
      return [...sums].sort().map(([currency, amount]) => ({ currency, amount: Math.round(amount) }));
    };
    // Rows the database still mirrors as paying while Stripe no longer does (another file moved the
    // shared clock and their webhooks are still on their way, or were paused): the overview reads the
    // mirror, so those customers are re-synced first, by the admin route made for exactly that.
    const resyncStale = async () => {
      const rows = await adminSelect<{ id: string; user_id: string }>(
        "subscriptions",
        "select=id,user_id&status=in.(active,past_due)",
      );
      const users = new Set<string>();
      for (const row of rows) {
        const s = await stripe.subscriptions.retrieve(row.id).catch(() => null);
        if (s?.status !== "active" && s?.status !== "past_due") users.add(row.user_id);
      }
      for (const userId of users) {
        const res = await api(`/api/admin/customers/${userId}/resync`, { method: "POST", token: admin.token });
        expect(res.status).toBeLessThan(500);
      }
    };
    // Other test files share the sandbox and subscribe meanwhile: compare only in a window where
    // Stripe's own sum did not move (read before and after the overview); a few tries at most.
    let o: Overview | undefined;
    let expected: Awaited<ReturnType<typeof stripeMrr>> | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      await resyncStale();
      const before = await stripeMrr();
      const res = await api("/api/admin/overview", { token: admin.token });
      expect(res.status).toBe(200);
      o = (await res.json()) as Overview;
      const after = await stripeMrr();
      if (JSON.stringify(before) === JSON.stringify(after)) {
        expected = after;
        break;
      }
    }
    if (!o || !expected) throw new Error("Stripe's subscriptions kept changing during five overview reads");
    expect(o.mrr).toEqual(expected);
    expect(o.byStatus.active).toBeGreaterThan(0);
    const files = await api("/api/admin/files", { token: admin.token });
    expect(files.status).toBe(200);
    expect(Array.isArray(((await files.json()) as { files: unknown[] }).files)).toBe(true);
    expect(o.ledger).toEqual({
      waiting: expect.any(Number),
      failed: expect.any(Number),
      deadLetter: expect.any(Number),
    });
  });

  test("the doctor finds an entitlement flipped in the database, repairs it with cause doctor, and refuses a second run", async () => {
    const admin = await makeAdmin();
    const sub = await subscribe(prices.monthly());
    await deliver(await eventsFor(sub.customer));
    await serviceRest(`entitlements?user_id=eq.${sub.user.id}`, {
      method: "PATCH",
      body: JSON.stringify({ active: false }),
    });

    // A run in progress (inserted as the API would): a new one is refused with its id.
    const held = (await (
      await serviceRest("doctor_runs", {
        method: "POST",
        body: JSON.stringify({ actor: admin.id }),
        headers: { prefer: "return=representation" },
      })
    ).json()) as { id: string }[];
    const busy = await api("/api/admin/doctor", { method: "POST", token: admin.token, json: {} });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string; runId: string } }).error).toMatchObject({
      code: "doctor_running",
      runId: held[0]?.id,
    });
    await serviceRest(`doctor_runs?id=eq.${held[0]?.id}`, {
      method: "PATCH",
      body: JSON.stringify({ status: "done" }),
    });

    const started = await api("/api/admin/doctor", { method: "POST", token: admin.token, json: { repair: true } });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    let run: {
      status: string;
      progress: number;
      drifted: { userId: string; fields: { field: string; database: unknown; stripe: unknown }[] }[];
      repaired: number;
    };
    for (;;) {
      run = (await (await api(`/api/admin/doctor/${runId}`, { token: admin.token })).json()) as typeof run;
      if (run.status !== "running") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(run.status).toBe("done");
    expect(run.progress).toBe(1);
    const mine = run.drifted.find((d) => d.userId === sub.user.id);
    expect(mine?.fields).toContainEqual({ field: "entitlement.active", database: false, stripe: true });
    expect(run.repaired).toBeGreaterThanOrEqual(1);
    expect((await entitlementOf(sub.user.id))?.active).toBe(true);
    const history = await adminSelect<{ cause: string; actor: string | null }>(
      "entitlement_changes",
      `user_id=eq.${sub.user.id}&select=cause,actor&order=id.desc&limit=1`,
    );
    expect(history[0]).toEqual({ cause: "doctor", actor: admin.id });
    expect((await api("/api/admin/doctor/00000000-0000-4000-8000-000000000000", { token: admin.token })).status).toBe(
      404,
    );
  });
});
