import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import EmbeddedPostgres from "./embedded-postgres.ts";
import { letPostgresUserReach, postgresBinaryDir } from "./postgres-user-access.ts";

export interface StartPostgresOptions {
  /** Where the cluster lives; created on first start. */
  dataDir: string;
  port: number;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  /** Trade durability for speed (tests and benchmarks only). */
  fast?: boolean;
  /** max_connections (default 200). */
  maxConnections?: number;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const POSTGRES_USER = "postgres";
export const POSTGRES_PASSWORD = "postgres";

export class SandboxStartError extends Error {}

/** Resolves when nothing listens on 127.0.0.1:port, rejects with a one-line reason otherwise. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        new SandboxStartError(
          err.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use on 127.0.0.1: stop whatever holds it (for example an earlier sandbox) and try again`
            : `cannot bind 127.0.0.1:${port} for ${what}: ${err.message}`,
        ),
      );
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** Starts a real PostgreSQL (binaries from npm) listening on 127.0.0.1 only. */
export async function startPostgres(opts: StartPostgresOptions): Promise<RunningPostgres> {
  await assertPortFree(opts.port, "Postgres");
  const logs: string[] = [];
  const onLog = (msg: string) => {
    logs.push(msg);
    if (logs.length > 50) logs.shift();
    opts.onLog?.(msg);
  };
  const flags = [
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    `max_connections=${opts.maxConnections ?? 200}`,
  ];
  if (opts.fast) flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: !opts.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    initdbFlags: ["--encoding=UTF8"],
    onLog,
    onError: (e: unknown) => onLog(String(e)),
  });
  try {
    letPostgresUserReach([`${postgresBinaryDir()}/initdb`, opts.dataDir], opts.onLog);
    if (!existsSync(`${opts.dataDir}/PG_VERSION`)) await pg.initialise();
    await pg.start();
  } catch (e) {
    const reason = e instanceof Error ? e.message : logs.join("").trim().split("\n").slice(-3).join(" | ");
    throw new SandboxStartError(`Postgres failed to start on 127.0.0.1:${opts.port}: ${reason || "unknown reason"}`);
  }
  let stopped = false;
  return {
    url: `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      if (opts.ephemeral) rmSync(opts.dataDir, { recursive: true, force: true });
    },
  };
}
