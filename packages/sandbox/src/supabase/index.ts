import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { listen } from "../http/listen.ts";
import { assertPortFree } from "../postgres/start-postgres.ts";
import { ResendStandIn } from "../resend/resend-stand-in.ts";
import type { StandInContext } from "./context.ts";
import { loadJwtKeys } from "./jwt-keys.ts";
import { MailInbox } from "./mail-inbox.ts";
import { startChangeFeed } from "./realtime/change-feed.ts";
import { REALTIME_PATH, RealtimeServer } from "./realtime/realtime-server.ts";
import { Catalog } from "./rest/catalog.ts";
import { standInApp } from "./server.ts";
import { BlobStore } from "./storage/blob-store.ts";
import { GLOBAL_FILE_SIZE_LIMIT, type StorageContext } from "./storage/storage-context.ts";
import { loadUrlSigner } from "./storage/url-signing.ts";

const standinSql = join(import.meta.dirname, "..", "..", "sql", "supabase-standin.sql");

export interface SupabaseStandInOptions {
  databaseUrl: string;
  /** 0 picks a free port (tests); read it back from `url`. */
  port: number;
  log?: (line: string) => void;
  /** Access-token lifetime; Supabase's default is 3600 s. */
  accessTokenTtlSeconds?: number;
  /** Where magic links land without redirect_to. */
  siteUrl?: string;
  /** Where Storage keeps object bytes; default: a temporary folder removed on stop. */
  storageDir?: string;
  /** Storage's project-wide upload limit in bytes (Supabase's default: 50 MB). */
  globalFileSizeLimit?: number;
}

export interface RunningSupabaseStandIn {
  url: string;
  /**
   * The project's public URL when clients reach the stand-in through another address (a proxy),
   * as GoTrue's API_EXTERNAL_URL: access tokens then carry `iss: <publicUrl>/auth/v1`.
   */
  setPublicUrl(url: string): void;
  stop(): Promise<void>;
}

/** Opens n pooled connections up front so the first requests do not pay for the handshake. */
async function warmUp(db: pg.Pool, n: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: n }, () => db.connect()));
  for (const c of clients) c.release();
}

/**
 * Starts the Supabase stand-in (Auth, a PostgREST subset, Storage, Realtime postgres_changes, the
 * mail inbox, the Resend stand-in under /resend) on 127.0.0.1 over an already migrated Postgres.
 */
export async function startSupabaseStandIn(opts: SupabaseStandInOptions): Promise<RunningSupabaseStandIn> {
  const log = opts.log ?? (() => undefined);
  if (opts.port !== 0) await assertPortFree(opts.port, "Supabase stand-in");
  // Connections stay open: opening one (SCRAM) costs more than the whole realtime budget.
  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 20, idleTimeoutMillis: 0 });
  db.on("error", (e) => log(`postgres pool: ${e.message}`));
  const cleanups: Array<() => Promise<void>> = [() => db.end()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    await db.query(readFileSync(standinSql, "utf8"));
    await warmUp(db, 4);
    const keys = await loadJwtKeys(db);
    let baseUrl = `http://127.0.0.1:${opts.port}`;
    let publicUrl: string | null = null;
    const inbox = new MailInbox();
    const ctx: StandInContext = {
      db,
      keys,
      baseUrl: () => baseUrl,
      issuer: () => `${publicUrl ?? baseUrl}/auth/v1`,
      accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
      siteUrl: opts.siteUrl ?? "http://127.0.0.1:5173",
      inbox,
      resend: new ResendStandIn(inbox),
      log,
    };
    let storageDir = opts.storageDir;
    if (!storageDir) {
      const tmp = mkdtempSync(join(tmpdir(), "gatehouse-storage-"));
      cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
      storageDir = tmp;
    }
    const storage: StorageContext = {
      ctx,
      blobs: new BlobStore(storageDir),
      signer: await loadUrlSigner(db),
      globalFileSizeLimit: opts.globalFileSizeLimit ?? GLOBAL_FILE_SIZE_LIMIT,
    };
    const catalog = new Catalog(db);
    let published = new Set<string>();
    const realtime = new RealtimeServer({
      db,
      keys,
      catalog,
      publishedTables: async (needed) => {
        if (needed.every((t) => published.has(t))) return published;
        published = new Set(await feed.installTriggers());
        return published;
      },
      log,
    });
    cleanups.push(() => realtime.close());
    const feed = await startChangeFeed(
      opts.databaseUrl,
      db,
      (change) => {
        catalog
          .table(change.table)
          .then((t) => t && change.schema === "public" && realtime.publish(change, t))
          .catch((e) => log(`realtime: ${String(e)}`));
      },
      log,
    );
    cleanups.push(() => feed.stop());
    published = new Set(await feed.installTriggers());
    const http = await listen(standInApp(ctx, catalog, storage), opts.port, "Supabase stand-in");
    // Realtime's websocket upgrade, beside the Hono app: ws answers it, as Supabase Realtime does.
    http.server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== REALTIME_PATH) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      realtime.handleUpgrade(req, socket, head, url);
    });
    baseUrl = http.url;
    cleanups.push(() => http.close());
    log(
      `Supabase stand-in on ${baseUrl} (auth, rest, storage, realtime, inbox at ${baseUrl}/inbox, Resend at ${baseUrl}/resend)`,
    );
    let stopped = false;
    return {
      url: baseUrl,
      setPublicUrl(url: string) {
        publicUrl = url.replace(/\/+$/, "");
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
