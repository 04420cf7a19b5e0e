import type { RealtimePostgresChangesPayload, SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY } from "../../keys.ts";
import { startSupabaseStandIn } from "../index.ts";
import { startTestStandIn, type TestStandIn } from "../test-stand-in.ts";

// Real Postgres, real sockets: leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

type Row = Record<string, unknown>;
type Change = RealtimePostgresChangesPayload<Row>;

let sb: TestStandIn;
type SignedIn = {
  id: string;
  email: string;
  password: string;
  client: SupabaseClient;
  token: string;
  refreshToken: string;
};
let alice: SignedIn;
let bob: SignedIn;

async function signedIn() {
  const u = await sb.createUser();
  const client = sb.client();
  const { data, error } = await client.auth.signInWithPassword({ email: u.email, password: u.password });
  if (error || !data.session) throw error ?? new Error("no session");
  await sb.owner.query("insert into public.entitlements (user_id, active, status) values ($1, false, 'none')", [u.id]);
  return { ...u, client, token: data.session.access_token, refreshToken: data.session.refresh_token };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Binding = { event: "*" | "INSERT" | "UPDATE" | "DELETE"; filter?: string };

/**
 * Subscribes with supabase-js and collects every change; resolves once SUBSCRIBED. `also` adds
 * bindings to the same channel: the stand-in delivers a channel's changes in commit order, so a
 * later change that arrives proves an earlier one was not sent (no waiting for something absent).
 */
async function subscribe(
  client: SupabaseClient,
  name: string,
  filter?: string,
  also: Binding[] = [],
  event: Binding["event"] = "*",
) {
  const changes: Change[] = [];
  const listeners: Array<() => void> = [];
  const collect = (payload: Change) => {
    changes.push(payload);
    for (const l of listeners.splice(0)) l();
  };
  let channel = client
    .channel(name)
    .on("postgres_changes", { event, schema: "public", table: "entitlements", ...(filter ? { filter } : {}) }, collect);
  for (const b of also) {
    channel = channel.on(
      "postgres_changes",
      { event: b.event, schema: "public", table: "entitlements", ...(b.filter ? { filter: b.filter } : {}) },
      collect,
    );
  }
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === "SUBSCRIBED") resolve();
      else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") reject(err ?? new Error(status));
    });
  });
  const next = (timeoutMs: number) =>
    new Promise<Change | undefined>((resolve) => {
      const seen = changes.length;
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      listeners.push(() => {
        clearTimeout(timer);
        resolve(changes[seen]);
      });
    });
  return { channel, changes, next };
}

const setActive = (userId: string, active: boolean) =>
  sb.owner.query("update public.entitlements set active = $2, updated_at = now() where user_id = $1", [userId, active]);

/**
 * Changes Bob's row, then Alice's, on Alice's channel: Alice's change arrives and, as it was
 * committed after Bob's, once it is here Bob's was not sent to her. Closes the channel.
 */
async function expectOnlyAlice(
  sub: Awaited<ReturnType<typeof subscribe>>,
  changeBob: () => Promise<unknown>,
  changeAlice: () => Promise<unknown>,
) {
  const own = sub.next(5000);
  await changeBob();
  await changeAlice();
  expect((await own)?.new).toMatchObject({ user_id: alice.id });
  expect(sub.changes.map((c) => (c.new as Row).user_id)).toEqual([alice.id]);
  await alice.client.removeChannel(sub.channel);
}

beforeAll(async () => {
  sb = await startTestStandIn();
  alice = await signedIn();
  bob = await signedIn();
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

describe("postgres_changes through supabase-js", () => {
  // How fast a change is pushed is the benchmark's figure (time_to_unlock's floorRealtimePushP50Ms),
  // not a unit test's: the bounds on next() here only keep a missing push from hanging a test.
  test("a user receives their own entitlement change, in Supabase's payload shape", async () => {
    const sub = await subscribe(alice.client, "own", `user_id=eq.${alice.id}`);
    const arriving = sub.next(10_000);
    await setActive(alice.id, true);
    const change = await arriving;
    expect(change).toMatchObject({
      schema: "public",
      table: "entitlements",
      eventType: "UPDATE",
      new: { user_id: alice.id, active: true, status: "none" },
      old: { user_id: alice.id },
      errors: null,
    });
    expect(change?.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    await alice.client.removeChannel(sub.channel);
  });

  test("a user subscribed to the whole table never receives another user's row", async () => {
    const sub = await subscribe(alice.client, "whole-table");
    await expectOnlyAlice(
      sub,
      () => setActive(bob.id, true),
      () => setActive(alice.id, false),
    );
  });

  test("a filter naming another user's id does not get around RLS", async () => {
    const sub = await subscribe(alice.client, "spy", `user_id=eq.${bob.id}`, [
      { event: "*", filter: `user_id=eq.${alice.id}` },
    ]);
    // The channel's own-row binding receives the later change: the earlier one for Bob was dropped.
    await expectOnlyAlice(
      sub,
      () => setActive(bob.id, false),
      () => setActive(alice.id, true),
    );
  });

  test("anon receives no entitlement changes; the secret key receives all", async () => {
    // A deleted row goes to subscribers whose filter selected it, anon included: that DELETE, on
    // the anon channel after the update, proves the update was not sent to anon.
    const marker = await sb.createUser();
    await sb.owner.query("insert into public.entitlements (user_id, active, status) values ($1, false, 'none')", [
      marker.id,
    ]);
    const anon = await subscribe(
      sb.client(),
      "anon",
      undefined,
      [{ event: "DELETE", filter: `user_id=eq.${marker.id}` }],
      "UPDATE",
    );
    const service = await subscribe(sb.client("secret"), "service");
    const serviceSaw = service.next(5000);
    const anonSaw = anon.next(5000);
    await setActive(bob.id, true);
    await sb.owner.query("delete from public.entitlements where user_id = $1", [marker.id]);
    expect((await serviceSaw)?.new).toMatchObject({ user_id: bob.id, active: true });
    expect(await anonSaw).toMatchObject({ eventType: "DELETE", old: { user_id: marker.id } });
    expect(anon.changes.map((c) => c.eventType)).toEqual(["DELETE"]);
  });

  test("a change too big for one NOTIFY (8000 bytes) still arrives whole", async () => {
    const service = await subscribe(sb.client("secret"), "big", `user_id=eq.${bob.id}`);
    const arriving = service.next(10_000);
    const big = "x".repeat(20_000);
    await sb.owner.query("update public.entitlements set status = $2 where user_id = $1", [bob.id, big]);
    expect((await arriving)?.new).toMatchObject({ user_id: bob.id, status: big });
    const { rows } = await sb.owner.query("select count(*)::int as n from sandbox_realtime.large_changes");
    expect(rows[0]?.n).toBe(0);
  });

  test("inserts and deletes arrive as INSERT (no old) and DELETE (no new)", async () => {
    const carol = await sb.createUser();
    const service = await subscribe(sb.client("secret"), "ins-del", `user_id=eq.${carol.id}`);
    const inserted = service.next(10_000);
    await sb.owner.query("insert into public.entitlements (user_id, active, status) values ($1, true, 'active')", [
      carol.id,
    ]);
    expect(await inserted).toMatchObject({ eventType: "INSERT", new: { user_id: carol.id, active: true }, old: {} });
    const deleted = service.next(10_000);
    await sb.owner.query("delete from public.entitlements where user_id = $1", [carol.id]);
    expect(await deleted).toMatchObject({ eventType: "DELETE", new: {}, old: { user_id: carol.id, active: true } });
  });

  test("a refreshed access token keeps the channel delivering", async () => {
    const c = alice.client;
    const sub = await subscribe(c, "refresh", `user_id=eq.${alice.id}`);
    const { data, error } = await c.auth.refreshSession({ refresh_token: alice.refreshToken });
    expect(error).toBeNull();
    alice.refreshToken = data.session?.refresh_token ?? "";
    await c.realtime.setAuth(data.session?.access_token ?? null);
    await sleep(100);
    const arriving = sub.next(10_000);
    await setActive(alice.id, true);
    expect((await arriving)?.new).toMatchObject({ user_id: alice.id, active: true });
    await c.removeChannel(sub.channel);
  });

  test("after unsubscribing, no more changes arrive", async () => {
    const sub = await subscribe(alice.client, "leave", `user_id=eq.${alice.id}`);
    const still = await subscribe(alice.client, "still-joined", `user_id=eq.${alice.id}`);
    expect(await sub.channel.unsubscribe()).toBe("ok");
    const first = still.next(5000);
    await setActive(alice.id, false);
    expect(await first).toBeDefined();
    const second = still.next(5000);
    await setActive(alice.id, true);
    // The channel that stayed has both changes; a delivery of the first to the channel that left
    // would have been queued before the second was even committed.
    expect((await second)?.new).toMatchObject({ user_id: alice.id, active: true });
    expect(still.changes).toHaveLength(2);
    expect(sub.changes).toEqual([]);
    await alice.client.removeChannel(still.channel);
  });

  test("delivers 60 consecutive changes in order (latency is measured by the benchmark, not here)", async () => {
    const sub = await subscribe(alice.client, "latency", `user_id=eq.${alice.id}`);
    for (let i = 0; i < 60; i++) {
      const arriving = sub.next(5000);
      await setActive(alice.id, i % 2 === 0);
      const change = await arriving;
      if (!change) throw new Error(`change ${i} not delivered`);
      expect(change.new).toMatchObject({ user_id: alice.id, active: i % 2 === 0 });
    }
    await alice.client.removeChannel(sub.channel);
  });
});

/** A raw Phoenix client over the global WebSocket, for protocol-level checks. */
async function rawSocket(vsn: "1.0.0" | "2.0.0" = "2.0.0") {
  const ws = new WebSocket(
    `${sb.url.replace("http", "ws")}/realtime/v1/websocket?apikey=${SANDBOX_PUBLISHABLE_KEY}&vsn=${vsn}`,
  );
  const frames: unknown[] = [];
  ws.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data))));
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  const next = async (pred: (f: unknown) => boolean, timeoutMs = 1000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const i = frames.findIndex(pred);
      if (i >= 0) return frames.splice(i, 1)[0];
      await sleep(10);
    }
    return undefined;
  };
  const send = (f: unknown) => ws.send(JSON.stringify(f));
  /** phx_join of `realtime:<topic>` (join_ref = ref) with these postgres_changes bindings. */
  const join = (ref: string, topic: string, bindings: unknown[], accessToken: string) =>
    send([
      ref,
      ref,
      `realtime:${topic}`,
      "phx_join",
      { config: { postgres_changes: bindings }, access_token: accessToken },
    ]);
  return { ws, frames, next, send, join };
}

const isEvent = (event: string) => (f: unknown) => Array.isArray(f) && f[3] === event;

describe("Phoenix protocol", () => {
  test("answers heartbeats and echoes bindings with integer ids, then the Subscribed system message", async () => {
    const s = await rawSocket();
    s.send([null, "1", "phoenix", "heartbeat", {}]);
    expect(await s.next(isEvent("phx_reply"))).toEqual([
      null,
      "1",
      "phoenix",
      "phx_reply",
      { status: "ok", response: {} },
    ]);
    const binding = { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${alice.id}` };
    s.send([
      "2",
      "2",
      "realtime:raw",
      "phx_join",
      { config: { postgres_changes: [binding], private: false }, access_token: alice.token },
    ]);
    const reply = await s.next(isEvent("phx_reply"));
    expect(reply).toEqual([
      "2",
      "2",
      "realtime:raw",
      "phx_reply",
      { status: "ok", response: { postgres_changes: [{ ...binding, id: expect.any(Number) }] } },
    ]);
    expect(await s.next(isEvent("system"))).toEqual([
      "2",
      null,
      "realtime:raw",
      "system",
      { extension: "postgres_changes", status: "ok", message: "Subscribed to PostgreSQL", channel: "raw" },
    ]);
    await setActive(alice.id, true);
    const change = (await s.next(isEvent("postgres_changes"))) as [
      string,
      null,
      string,
      string,
      { ids: number[]; data: Row },
    ];
    expect(change[4].ids).toEqual([
      (reply as [unknown, unknown, unknown, unknown, { response: { postgres_changes: { id: number }[] } }])[4].response
        .postgres_changes[0]?.id,
    ]);
    expect(change[4].data).toMatchObject({ type: "UPDATE", record: { user_id: alice.id }, errors: null });
    expect(change[4].data.columns).toEqual(expect.arrayContaining([{ name: "active", type: "bool" }]));
    s.ws.close();
  });

  test("refuses a join with an invalid token", async () => {
    const s = await rawSocket();
    s.join("1", "bad", [], "garbage");
    const reply = (await s.next(isEvent("phx_reply"))) as unknown[];
    expect(reply[4]).toMatchObject({ status: "error", response: { reason: expect.stringContaining("Invalid JWT") } });
    s.ws.close();
  });

  test("refuses a table outside publication supabase_realtime", async () => {
    const s = await rawSocket();
    s.join("1", "x", [{ event: "*", schema: "public", table: "customers" }], alice.token);
    expect(((await s.next(isEvent("phx_reply"))) as unknown[])[4]).toMatchObject({ status: "error" });
    s.ws.close();
  });

  test("closes the channel when a refreshed token is invalid, and stops delivering after phx_leave", async () => {
    const s = await rawSocket();
    const binding = { event: "*", schema: "public", table: "entitlements" };
    s.join("1", "a", [binding], alice.token);
    s.join("2", "b", [binding], alice.token);
    await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[2] === "realtime:a");
    await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[2] === "realtime:b");
    s.send(["1", "3", "realtime:a", "access_token", { access_token: "garbage" }]);
    expect(await s.next((f) => isEvent("phx_close")(f) && (f as unknown[])[2] === "realtime:a")).toBeDefined();
    s.send(["2", "4", "realtime:b", "phx_leave", {}]);
    expect(await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[1] === "4")).toBeDefined();
    // A channel that stays joined receives the changes; none reaches the closed or left ones.
    s.join("5", "c", [binding], alice.token);
    await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[2] === "realtime:c");
    s.frames.length = 0;
    await setActive(alice.id, false);
    await setActive(alice.id, true);
    const onC = (f: unknown) => isEvent("postgres_changes")(f) && (f as unknown[])[2] === "realtime:c";
    expect(await s.next(onC, 5000)).toBeDefined();
    expect(await s.next(onC, 5000)).toBeDefined();
    expect(s.frames.filter(isEvent("postgres_changes"))).toEqual([]);
    s.ws.close();
  });

  test("closes a channel when its token expires, unless the client sent a fresh one in time", async () => {
    const shortLived = await startSupabaseStandIn({ databaseUrl: sb.db.url, port: 0, accessTokenTtlSeconds: 3 });
    try {
      const signIn = await fetch(`${shortLived.url}/auth/v1/token?grant_type=password`, {
        method: "POST",
        headers: { apikey: SANDBOX_PUBLISHABLE_KEY, "Content-Type": "application/json" },
        body: JSON.stringify({ email: alice.email, password: alice.password }),
      });
      const { access_token: short } = (await signIn.json()) as { access_token: string };
      const s = await rawSocket();
      const binding = { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${alice.id}` };
      s.join("1", "kept", [binding], short);
      s.join("2", "lapsed", [binding], short);
      await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[1] === "1");
      await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[1] === "2");
      s.send(["1", "3", "realtime:kept", "access_token", { access_token: alice.token }]);
      expect(await s.next((f) => isEvent("phx_reply")(f) && (f as unknown[])[1] === "3")).toMatchObject([
        "1",
        "3",
        "realtime:kept",
        "phx_reply",
        { status: "ok" },
      ]);
      const closed = await s.next((f) => isEvent("phx_close")(f) && (f as unknown[])[2] === "realtime:lapsed", 4500);
      expect(closed).toBeDefined();
      s.frames.length = 0;
      await setActive(alice.id, true);
      const delivered = await s.next(isEvent("postgres_changes"));
      expect((delivered as unknown[])[2]).toBe("realtime:kept");
      expect(await s.next(isEvent("postgres_changes"), 300)).toBeUndefined();
      s.ws.close();
    } finally {
      await shortLived.stop();
    }
  });

  test("speaks vsn 1.0.0 with JSON objects", async () => {
    const s = await rawSocket("1.0.0");
    s.send({ join_ref: null, ref: "1", topic: "phoenix", event: "heartbeat", payload: {} });
    const f = await s.next((x) => typeof x === "object" && x !== null && (x as Row).event === "phx_reply");
    expect(f).toEqual({
      join_ref: null,
      ref: "1",
      topic: "phoenix",
      event: "phx_reply",
      payload: { status: "ok", response: {} },
    });
    s.ws.close();
  });

  test("refuses a socket with an unknown API key", async () => {
    const ws = new WebSocket(`${sb.url.replace("http", "ws")}/realtime/v1/websocket?apikey=nope&vsn=2.0.0`);
    const outcome = await new Promise<string>((resolve) => {
      ws.addEventListener("open", () => resolve("open"));
      ws.addEventListener("error", () => resolve("error"));
    });
    expect(outcome).toBe("error");
  });
});
