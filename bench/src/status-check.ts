// Final subscription statuses: the stand-in's (truth) against a mirror table.
import type pg from "pg";
import type Stripe from "stripe";

export function finalStatuses(subsByCustomer: Map<string, Stripe.Subscription[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const subs of subsByCustomer.values()) for (const s of subs) out.set(s.id, s.status);
  return out;
}

/** `sql` selects (id, status) for the ids in $1. */
export async function wrongStatuses(
  db: pg.Pool,
  sql: string,
  truth: Map<string, string>,
): Promise<{ wrong: number; missing: number }> {
  const { rows } = await db.query<{ id: string; status: string }>(sql, [[...truth.keys()]]);
  const seen = new Map(rows.map((r) => [r.id, r.status]));
  let wrong = 0;
  let missing = 0;
  for (const [id, status] of truth) {
    const got = seen.get(id);
    if (got === undefined) missing++;
    else if (got !== status) wrong++;
  }
  return { wrong, missing };
}
