import pg from "pg";

export type ChangeType = "INSERT" | "UPDATE" | "DELETE";
export type Row = Record<string, unknown>;

export interface Change {
  schema: string;
  table: string;
  type: ChangeType;
  commit_timestamp: string;
  record?: Row;
  old_record?: Row;
}

export const NOTIFY_CHANNEL = "sandbox_realtime";

function asChange(v: unknown): Change | undefined {
  if (!v || typeof v !== "object") return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.schema !== "string" || typeof o.table !== "string") return undefined;
  if (o.type !== "INSERT" && o.type !== "UPDATE" && o.type !== "DELETE") return undefined;
  const row = (x: unknown) => (x && typeof x === "object" ? (x as Row) : undefined);
  return {
    schema: o.schema,
    table: o.table,
    type: o.type,
    commit_timestamp: typeof o.commit_timestamp === "string" ? o.commit_timestamp : new Date().toISOString(),
    record: row(o.record),
    old_record: row(o.old_record),
  };
}

export interface ChangeFeed {
  /** (Re)installs the notify trigger on every table of publication supabase_realtime. */
  installTriggers(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * One LISTEN connection on `sandbox_realtime`: every committed row change of a published table
 * arrives here (the trigger in supabase-standin.sql sends it; big rows are parked in
 * sandbox_realtime.large_changes and fetched by id).
 */
export async function startChangeFeed(
  databaseUrl: string,
  db: pg.Pool,
  onChange: (c: Change) => void,
  log: (line: string) => void,
): Promise<ChangeFeed> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const handle = async (payload: string | undefined) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? "");
    } catch {
      return log(`realtime: unreadable notification ${payload}`);
    }
    const largeId = (parsed as { large_id?: unknown }).large_id;
    if (typeof largeId === "number") {
      const { rows } = await db.query<{ payload: unknown }>(
        "delete from sandbox_realtime.large_changes where id = $1 returning payload",
        [largeId],
      );
      parsed = rows[0]?.payload;
    }
    const change = asChange(parsed);
    if (change) onChange(change);
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on("notification", (n) => {
      if (n.channel === NOTIFY_CHANNEL) handle(n.payload).catch((e) => log(`realtime: ${String(e)}`));
    });
    c.on("error", (e) => log(`realtime: LISTEN connection error: ${e.message}`));
    c.on("end", () => {
      if (stopped) return;
      log("realtime: LISTEN connection lost, reconnecting in 1 s");
      retry = setTimeout(() => void connect().catch((e) => log(`realtime: reconnect failed: ${String(e)}`)), 1000);
    });
    await c.connect();
    await c.query(`listen ${NOTIFY_CHANNEL}`);
    client = c;
  };

  await connect();
  const installTriggers = async () => {
    const { rows } = await db.query<{ t: string }>("select sandbox_realtime.install_triggers() as t");
    return rows.map((r) => r.t);
  };
  return {
    installTriggers,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
