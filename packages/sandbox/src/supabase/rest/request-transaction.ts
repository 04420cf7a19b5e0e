import type pg from "pg";
import { inTransaction } from "../../postgres/in-transaction.ts";
import type { RequestRole } from "../request-role.ts";

/**
 * Runs fn in one transaction the way PostgREST runs a request: role, JWT claims, method, path,
 * headers and search_path set locally. Commits when fn returns, rolls back when it throws.
 */
export async function inRequestTransaction<T>(
  db: pg.Pool,
  who: RequestRole,
  req: Request,
  path: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (client) => {
    await client.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
              set_config('request.method', $3, true), set_config('request.path', $4, true),
              set_config('request.headers', $5, true), set_config('search_path', 'public, extensions', true)`,
      [who.role, JSON.stringify(who.claims), req.method, path, JSON.stringify(Object.fromEntries(req.headers))],
    );
    return fn(client);
  });
}
