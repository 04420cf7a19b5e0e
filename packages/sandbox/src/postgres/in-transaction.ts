import type pg from "pg";

/**
 * Runs fn in one transaction on a pooled connection: commits when fn returns, rolls back when it
 * throws. A connection that cannot even roll back is dropped from the pool, not reused.
 */
export async function inTransaction<T>(db: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken = false;
  try {
    await client.query("begin");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (e) {
    broken = await client.query("rollback").then(
      () => false,
      () => true,
    );
    throw e;
  } finally {
    client.release(broken);
  }
}
