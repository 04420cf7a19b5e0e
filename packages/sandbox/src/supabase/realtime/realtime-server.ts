import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type pg from "pg";
import { type WebSocket, WebSocketServer } from "ws";
import { type ApiKeyRole, apiKeyRole } from "../api-keys.ts";
import type { JwtKeys } from "../jwt-keys.ts";
import { type RequestRole, resolveRole } from "../request-role.ts";
import type { Catalog, Table } from "../rest/catalog.ts";
import { type BindingFilter, parseBindingFilter, rowMatches } from "./binding-filter.ts";
import type { Change, Row } from "./change-feed.ts";
import { decodeFrame, encodeFrame, type PhoenixMessage, type Vsn } from "./phoenix-frame.ts";
import { canSelectRow } from "./visibility.ts";

export const REALTIME_PATH = "/realtime/v1/websocket";

interface Binding {
  id: number;
  /** Exactly what the client sent: echoed back in the join reply. */
  requested: Record<string, unknown>;
  event: string;
  schema: string;
  table: string | undefined;
  filter: BindingFilter | undefined;
}

interface Channel {
  topic: string;
  name: string;
  joinRef: string | null;
  bindings: Binding[];
  who: RequestRole;
  queue: Promise<void>;
  expiry: NodeJS.Timeout | undefined;
}

interface Connection {
  ws: WebSocket;
  vsn: Vsn;
  apiKey: ApiKeyRole;
  channels: Map<string, Channel>;
}

export interface RealtimeDeps {
  db: pg.Pool;
  keys: JwtKeys;
  catalog: Catalog;
  /** Tables (`schema.table`) in publication supabase_realtime with the notify trigger installed; looks again when one of `needed` is missing. */
  publishedTables: (needed: string[]) => Promise<Set<string>>;
  log: (line: string) => void;
}

class JoinError extends Error {}

const EVENTS = new Set(["*", "INSERT", "UPDATE", "DELETE"]);
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Phoenix channels over `ws`, serving postgres_changes the way Supabase Realtime does. */
export class RealtimeServer {
  readonly #deps: RealtimeDeps;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  readonly #connections = new Set<Connection>();
  #nextBindingId = 1000;

  constructor(deps: RealtimeDeps) {
    this.#deps = deps;
  }

  /** Handles an HTTP upgrade on /realtime/v1/websocket (apikey and vsn in the query). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const apiKey = apiKeyRole(url.searchParams.get("apikey") ?? undefined);
    if (!apiKey) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{"message":"Invalid API key"}');
      return;
    }
    const vsn: Vsn = url.searchParams.get("vsn") === "2.0.0" ? "2.0.0" : "1.0.0";
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, vsn, apiKey));
  }

  #accept(ws: WebSocket, vsn: Vsn, apiKey: ApiKeyRole): void {
    const conn: Connection = { ws, vsn, apiKey, channels: new Map() };
    this.#connections.add(conn);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const msg = decodeFrame(data.toString(), vsn);
      if (!msg) return;
      this.#onMessage(conn, msg).catch((e) =>
        this.#deps.log(`realtime: ${e instanceof Error ? e.message : String(e)}`),
      );
    });
    ws.on("close", () => {
      for (const ch of conn.channels.values()) if (ch.expiry) clearTimeout(ch.expiry);
      conn.channels.clear();
      this.#connections.delete(conn);
    });
    ws.on("error", () => ws.terminate());
  }

  #send(conn: Connection, m: PhoenixMessage): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(encodeFrame(m, conn.vsn));
  }

  #reply(conn: Connection, m: PhoenixMessage, status: "ok" | "error", response: Record<string, unknown>): void {
    this.#send(conn, {
      joinRef: m.joinRef,
      ref: m.ref,
      topic: m.topic,
      event: "phx_reply",
      payload: { status, response },
    });
  }

  async #identify(conn: Connection, token: unknown): Promise<RequestRole> {
    const result = await resolveRole(this.#deps.keys, conn.apiKey, typeof token === "string" ? token : undefined);
    if (result.ok) return result.value;
    throw new JoinError(result.reason === "expired" ? "Token has expired" : `Invalid JWT Token: ${result.message}`);
  }

  async #onMessage(conn: Connection, m: PhoenixMessage): Promise<void> {
    if (m.topic === "phoenix" && m.event === "heartbeat") return this.#reply(conn, m, "ok", {});
    if (m.event === "phx_join") return this.#join(conn, m);
    const ch = conn.channels.get(m.topic);
    if (!ch) return this.#reply(conn, m, "error", { reason: "unmatched topic" });
    if (m.event === "phx_leave") {
      this.#close(conn, ch);
      return this.#reply(conn, m, "ok", {});
    }
    if (m.event === "access_token") {
      try {
        ch.who = await this.#identify(conn, m.payload.access_token);
        this.#armExpiry(conn, ch);
        return this.#reply(conn, m, "ok", {});
      } catch (e) {
        this.#system(conn, ch, "system", "error", e instanceof Error ? e.message : String(e));
        this.#send(conn, { joinRef: ch.joinRef, ref: ch.joinRef, topic: ch.topic, event: "phx_close", payload: {} });
        this.#close(conn, ch);
        return;
      }
    }
    if (m.ref !== null) {
      this.#reply(conn, m, "error", {
        reason: `${m.event} is not supported by the Supabase stand-in (postgres_changes only)`,
      });
    }
  }

  async #parseBindings(raw: unknown): Promise<Binding[]> {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new JoinError("config.postgres_changes must be an array");
    const needed = raw.flatMap((r) =>
      r && typeof r === "object" && typeof (r as Record<string, unknown>).table === "string"
        ? [`public.${String((r as Record<string, unknown>).table)}`]
        : [],
    );
    const published = await this.#deps.publishedTables(needed);
    const bindings: Binding[] = [];
    for (const r of raw) {
      if (!r || typeof r !== "object") throw new JoinError("invalid postgres_changes binding");
      const requested = r as Record<string, unknown>;
      const event = String(requested.event ?? "*").toUpperCase();
      const schema = String(requested.schema ?? "public");
      const table = typeof requested.table === "string" && requested.table !== "*" ? requested.table : undefined;
      if (!EVENTS.has(event)) throw new JoinError(`invalid event ${String(requested.event)}`);
      if (schema !== "public") throw new JoinError(`schema ${schema} is not exposed (only public)`);
      if (table && !published.has(`public.${table}`)) {
        throw new JoinError(
          `Unable to subscribe to changes with given parameters: table public.${table} is not in publication supabase_realtime`,
        );
      }
      let filter: BindingFilter | undefined;
      if (typeof requested.filter === "string" && requested.filter !== "") {
        if (!table) throw new JoinError("a filter needs a table");
        const parsed = parseBindingFilter(requested.filter);
        if ("error" in parsed) throw new JoinError(parsed.error);
        const t = await this.#deps.catalog.table(table);
        if (!t?.columns.has(parsed.column))
          throw new JoinError(`column ${parsed.column} does not exist on public.${table}`);
        filter = parsed;
      }
      bindings.push({ id: this.#nextBindingId++, requested, event, schema, table, filter });
    }
    return bindings;
  }

  async #join(conn: Connection, m: PhoenixMessage): Promise<void> {
    const name = m.topic.replace(/^realtime:/, "");
    const config = (m.payload.config ?? {}) as Record<string, unknown>;
    try {
      if (!m.topic.startsWith("realtime:")) throw new JoinError("topics must start with realtime:");
      if (config.private === true) throw new JoinError("private channels are not supported by the Supabase stand-in");
      const who = await this.#identify(conn, m.payload.access_token);
      const bindings = await this.#parseBindings(config.postgres_changes);
      const old = conn.channels.get(m.topic);
      if (old) this.#close(conn, old);
      const ch: Channel = {
        topic: m.topic,
        name,
        joinRef: m.joinRef,
        bindings,
        who,
        queue: Promise.resolve(),
        expiry: undefined,
      };
      conn.channels.set(m.topic, ch);
      this.#armExpiry(conn, ch);
      this.#reply(conn, m, "ok", { postgres_changes: bindings.map((b) => ({ ...b.requested, id: b.id })) });
      if (bindings.length > 0) this.#system(conn, ch, "postgres_changes", "ok", "Subscribed to PostgreSQL");
    } catch (e) {
      if (!(e instanceof JoinError)) throw e;
      this.#reply(conn, m, "error", { reason: e.message });
    }
  }

  #system(conn: Connection, ch: Channel, extension: string, status: "ok" | "error", message: string): void {
    this.#send(conn, {
      joinRef: ch.joinRef,
      ref: null,
      topic: ch.topic,
      event: "system",
      payload: { extension, status, message, channel: ch.name },
    });
  }

  /** Closes the channel when its token expires, as Realtime does. */
  #armExpiry(conn: Connection, ch: Channel): void {
    if (ch.expiry) clearTimeout(ch.expiry);
    ch.expiry = undefined;
    if (ch.who.expiresAt === undefined) return;
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, ch.who.expiresAt * 1000 - Date.now()));
    ch.expiry = setTimeout(() => {
      this.#system(conn, ch, "system", "error", "Token has expired 0 seconds ago");
      this.#send(conn, { joinRef: ch.joinRef, ref: ch.joinRef, topic: ch.topic, event: "phx_close", payload: {} });
      this.#close(conn, ch);
    }, ms);
    ch.expiry.unref();
  }

  #close(conn: Connection, ch: Channel): void {
    if (ch.expiry) clearTimeout(ch.expiry);
    if (conn.channels.get(ch.topic) === ch) conn.channels.delete(ch.topic);
  }

  /** Fans a committed change out to every matching binding whose subscriber may see the row. */
  publish(change: Change, table: Table): void {
    const row = change.type === "DELETE" ? change.old_record : change.record;
    for (const conn of this.#connections) {
      for (const ch of conn.channels.values()) {
        const matching = ch.bindings.filter(
          (b) =>
            (b.event === "*" || b.event === change.type) &&
            b.schema === change.schema &&
            (b.table === undefined || b.table === change.table) &&
            (b.filter === undefined || rowMatches(b.filter, row)),
        );
        if (matching.length === 0) continue;
        const ids = matching.map((b) => b.id);
        const filtered = matching.every((b) => b.filter !== undefined);
        ch.queue = ch.queue
          .then(() => this.#deliver(conn, ch, change, table, ids, filtered))
          .catch((e) => this.#deps.log(`realtime: delivery failed: ${String(e)}`));
      }
    }
  }

  async #deliver(conn: Connection, ch: Channel, change: Change, table: Table, ids: number[], filtered: boolean) {
    let oldRecord = change.old_record;
    if (ch.who.role !== "service_role") {
      // Like Supabase on a table with RLS: the old row travels as its primary key only (it may have
      // been another user's). A deleted row cannot be checked against RLS any more: it goes only to
      // subscribers whose filter selected it.
      oldRecord = Object.fromEntries(table.primaryKey.map((k) => [k, change.old_record?.[k] ?? null]));
      if (change.type === "DELETE") {
        if (!filtered) return;
      } else if (!(await canSelectRow(this.#deps.db, ch.who, table, change.record ?? {}))) {
        return;
      }
    }
    if (conn.channels.get(ch.topic) !== ch) return;
    const data: Record<string, unknown> = {
      schema: change.schema,
      table: change.table,
      commit_timestamp: change.commit_timestamp,
      type: change.type,
      columns: [...table.columns.values()].map((c) => ({ name: c.name, type: c.udtName })),
      errors: null,
    };
    if (change.type !== "DELETE") data.record = change.record;
    if (change.type !== "INSERT") data.old_record = oldRecord as Row;
    this.#send(conn, {
      joinRef: ch.joinRef,
      ref: null,
      topic: ch.topic,
      event: "postgres_changes",
      payload: { ids, data },
    });
  }

  async close(): Promise<void> {
    for (const conn of this.#connections) {
      for (const ch of conn.channels.values()) if (ch.expiry) clearTimeout(ch.expiry);
      conn.ws.terminate();
    }
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
