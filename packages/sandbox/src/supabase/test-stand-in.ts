// Test support: a throw-away Postgres with the migrations, the stand-in on a free port, and the
// real supabase-js client pointed at it.
import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import pg from "pg";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY } from "../keys.ts";
import type { RunningPostgres } from "../postgres/start-postgres.ts";
import { startTestDatabase } from "../postgres/test-database.ts";
import { type RunningSupabaseStandIn, type SupabaseStandInOptions, startSupabaseStandIn } from "./index.ts";

export interface TestStandIn {
  db: RunningPostgres;
  standIn: RunningSupabaseStandIn;
  url: string;
  /** Superuser pool for fixtures (bypasses RLS). */
  owner: pg.Pool;
  logs: string[];
  /** A fresh supabase-js client with the publishable key (or the secret key). */
  client(key?: "publishable" | "secret"): SupabaseClient;
  /** Creates a confirmed user through the admin API; returns id, email and password. */
  createUser(): Promise<{ id: string; email: string; password: string }>;
  /** A new user signed in with its password through a fresh client: its id, that client and its access token. */
  signIn(): Promise<{ id: string; client: SupabaseClient; token: string }>;
  stop(): Promise<void>;
}

export async function startTestStandIn(
  opts: Partial<Omit<SupabaseStandInOptions, "databaseUrl" | "port">> = {},
): Promise<TestStandIn> {
  const db = await startTestDatabase();
  const logs: string[] = [];
  let standIn: RunningSupabaseStandIn;
  try {
    standIn = await startSupabaseStandIn({ databaseUrl: db.url, port: 0, log: (l) => logs.push(l), ...opts });
  } catch (e) {
    await db.stop();
    throw e;
  }
  const owner = new pg.Pool({ connectionString: db.url, max: 4 });
  const clients: SupabaseClient[] = [];
  const client = (key: "publishable" | "secret" = "publishable") => {
    const c = createClient(standIn.url, key === "secret" ? SANDBOX_SECRET_KEY : SANDBOX_PUBLISHABLE_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
    clients.push(c);
    return c;
  };
  const createUser = async () => {
    const email = `u-${randomUUID()}@example.test`;
    const password = `pw-${randomUUID()}`;
    const { data, error } = await client("secret").auth.admin.createUser({ email, password, email_confirm: true });
    if (error || !data.user) throw error ?? new Error("no user");
    return { id: data.user.id, email, password };
  };
  return {
    db,
    standIn,
    url: standIn.url,
    owner,
    logs,
    client,
    createUser,
    async signIn() {
      const u = await createUser();
      const c = client();
      const { data, error } = await c.auth.signInWithPassword({ email: u.email, password: u.password });
      if (error || !data.session) throw error ?? new Error("no session");
      return { id: u.id, client: c, token: data.session.access_token };
    },
    async stop() {
      for (const c of clients) await c.removeAllChannels().catch(() => undefined);
      await owner.end().catch(() => undefined);
      await standIn.stop();
      await db.stop();
    },
  };
}

/**
 * The usual set-up of a stand-in test file: room for a loaded CI machine (real Postgres, real
 * sockets), one stand-in started before the file's tests and stopped after them. The returned
 * object stands for that stand-in once `beforeAll` has run.
 */
export function useTestStandIn(): TestStandIn {
  vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });
  let current: TestStandIn | undefined;
  beforeAll(async () => {
    current = await startTestStandIn();
  }, 60_000);
  afterAll(async () => {
    await current?.stop();
  });
  const started = (): TestStandIn => current ?? expect.unreachable("the stand-in is used before beforeAll started it");
  return new Proxy(Object.create(null), { get: (_target, key) => Reflect.get(started(), key) });
}
