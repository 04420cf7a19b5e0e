import { createHash } from "node:crypto";
import type pg from "pg";
import { StripeApiError } from "./errors.ts";

interface Stored {
  fingerprint: string;
  status: number;
  body: string;
  createdAt: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyLookup = { kind: "new" } | { kind: "replay"; status: number; body: string };

/**
 * Stripe's Idempotency-Key semantics: the first answer to a key is stored (5xx included) and replayed
 * for the same parameters; other parameters are a 400 idempotency_error; a request still running
 * with the same key is a 409. Keys are scoped to the API key and kept 24 hours, in Postgres too.
 */
export class Idempotency {
  private readonly pool: pg.Pool;
  private mem = new Map<string, Stored>();
  private running = new Set<string>();

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async load(): Promise<void> {
    await this.pool.query("delete from stripe_sandbox.idempotency_keys where created_at < now() - interval '24 hours'");
    const rows = await this.pool.query<{
      key: string;
      fingerprint: string;
      status: number;
      body: string;
      created_at: Date;
    }>("select key, fingerprint, status, body, created_at from stripe_sandbox.idempotency_keys");
    for (const r of rows.rows)
      this.mem.set(r.key, {
        fingerprint: r.fingerprint,
        status: r.status,
        body: r.body,
        createdAt: r.created_at.getTime(),
      });
  }

  static fingerprint(method: string, path: string, body: string): string {
    return createHash("sha256").update(`${method} ${path}\n${body}`).digest("hex");
  }

  /** Looks the key up; marks it running when new (call `finish` or `abandon` after). */
  begin(key: string, fingerprint: string): IdempotencyLookup {
    const hit = this.mem.get(key);
    if (hit && Date.now() - hit.createdAt < TTL_MS) {
      if (hit.fingerprint !== fingerprint) {
        const shown = key.slice(key.indexOf(":") + 1);
        throw new StripeApiError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${shown}' if you meant to execute a different request.`,
          { stored: false },
        );
      }
      return { kind: "replay", status: hit.status, body: hit.body };
    }
    if (this.running.has(key))
      throw new StripeApiError(
        409,
        "idempotency_error",
        "There is currently another in-progress request using this Stripe API key and idempotency key. Please try again later.",
        { code: "idempotency_key_in_use", stored: false },
      );
    this.running.add(key);
    return { kind: "new" };
  }

  async finish(key: string, fingerprint: string, status: number, body: string): Promise<void> {
    this.mem.set(key, { fingerprint, status, body, createdAt: Date.now() });
    this.running.delete(key);
    await this.pool.query(
      `insert into stripe_sandbox.idempotency_keys (key, fingerprint, status, body) values ($1, $2, $3, $4)
       on conflict (key) do nothing`,
      [key, fingerprint, status, body],
    );
  }

  abandon(key: string): void {
    this.running.delete(key);
  }

  clear(): void {
    this.mem.clear();
    this.running.clear();
  }
}
