import { invalidParameter } from "./errors.ts";
import type { Params } from "./params.ts";

export interface ApiList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * A Stripe list page over ids held oldest first: newest first, `limit` (1–100, default 10),
 * `starting_after` / `ending_before` cursors, `has_more`.
 */
export function listPage<T extends { id: string }>(
  ids: readonly string[],
  get: (id: string) => T | undefined,
  keep: (item: T) => boolean,
  params: Params,
  url: string,
): ApiList<T> {
  const limit = params.int("limit") ?? 10;
  if (limit < 1 || limit > 100) throw invalidParameter("limit", "Invalid limit: must be between 1 and 100");
  const after = params.str("starting_after");
  const before = params.str("ending_before");
  /** Up to `limit` kept items, visiting ids in the order of `indexes`, and whether more follow. */
  const take = (indexes: Iterable<number>): { data: T[]; hasMore: boolean } => {
    const data: T[] = [];
    for (const i of indexes) {
      const item = get(ids[i] ?? "");
      if (!item || !keep(item)) continue;
      if (data.length === limit) return { data, hasMore: true };
      data.push(item);
    }
    return { data, hasMore: false };
  };
  if (before) {
    // Items newer than `before`, the page closest to it, still newest first.
    const from = ids.lastIndexOf(before);
    const { data, hasMore } = take(range(from < 0 ? ids.length : from + 1, ids.length, 1));
    return { object: "list", data: data.reverse(), has_more: hasMore, url };
  }
  let start = ids.length - 1;
  if (after) {
    const at = ids.lastIndexOf(after);
    start = at < 0 ? -1 : at - 1;
  }
  const { data, hasMore } = take(range(start, -1, -1));
  return { object: "list", data, has_more: hasMore, url };
}

/** from, from + step, … up to but not including `to`. */
function* range(from: number, to: number, step: 1 | -1): Generator<number> {
  for (let i = from; step > 0 ? i < to : i > to; i += step) yield i;
}
