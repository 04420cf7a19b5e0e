import type { IncomingMessage } from "node:http";
import type pg from "pg";
import type { RequestRole } from "../request-role.ts";

/**
 * Runs fn in one transaction the way PostgREST runs a request: role, JWT claims, method, path,
 * headers and search_path set locally. Commits when fn returns, rolls back when it throws.
 */
export async function inRequestTransaction<T>(
  db: pg.Pool,
  who: RequestRole,
  req: IncomingMessage,
  path: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.connect();
  let broken = false;
  try {
    await client.query("begin");
    await client.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
              set_config('request.method', $3, true), set_config('request.path', $4, true),
              set_config('request.headers', $5, true), set_config('search_path', 'public, extensions', true)`,
      [who.role, JSON.stringify(who.claims), req.method ?? "GET", path, JSON.stringify(req.headers)],
    );
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (e) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    broken = await client.query("rollback").then(
      () => false,
      () => true,
    );
    throw e;
  } finally {
    client.release(broken);
  }
}
