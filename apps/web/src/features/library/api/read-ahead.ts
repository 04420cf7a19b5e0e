import type { Lesson } from "./get-premium-content.ts";

// The premium rows read ahead for the success page. In the entry chunk (small, no imports) so the
// boot's early sync can reserve the read the moment it sends the sync: the page then knows a read
// is coming instead of starting a second one of its own.

interface Ahead {
  userId: string;
  /** When the read started; null while reserved (the sync has not answered yet). */
  at: number | null;
  rows: Promise<Lesson[]> | null;
  /** The rows once the read answered (undefined before, or if it failed). */
  answered?: Lesson[];
}

/** The columns the library shows (get-premium-content.ts and the boot's read ahead ask for the same). */
export const PREMIUM_CONTENT_COLUMNS = "slug,title,summary,body,feature,position";

let ahead: Ahead | null = null;
const AHEAD_FRESH_MS = 5_000;

export interface ReadAheadReservation {
  /** Starts the read now, unless the page has already taken the reservation (and read on its own). */
  start(read: () => Promise<Lesson[]>): void;
  /** No read after all (the sync did not say active, or failed). */
  drop(): void;
}

/**
 * Reserves the read of this user's rows: the caller will start it (or drop it) soon. A page that
 * asks before it started does not wait for it (it reads on its own, and the read is not made).
 */
export function reserveReadAhead(userId: string): ReadAheadReservation {
  const entry: Ahead = { userId, at: null, rows: null };
  ahead = entry;
  return {
    start(read) {
      if (ahead !== entry) return;
      let rows: Promise<Lesson[]>;
      try {
        rows = read();
      } catch (error) {
        rows = Promise.reject(error);
      }
      rows.then(
        (answered) => {
          entry.answered = answered;
        },
        () => undefined,
      );
      entry.at = Date.now();
      entry.rows = rows;
    },
    drop() {
      if (ahead === entry) ahead = null;
    },
  };
}

/**
 * The read started ahead for this user, once, if started and recent (its rows, or null if it
 * failed: the page then reads on its own); otherwise null.
 */
export function takeReadAhead(userId: string): Promise<Lesson[] | null> | null {
  const found = ahead;
  ahead = null;
  if (!found || found.userId !== userId || found.rows === null || found.at === null) return null;
  return Date.now() - found.at < AHEAD_FRESH_MS ? found.rows.catch(() => null) : null;
}

/**
 * The rows read ahead for this user, once, if they have already answered (and recently): the page
 * puts them in its cache before rendering the unlocked state, so that render shows them instead of
 * a skeleton and a second render. Otherwise null, and the read (if any) is left for takeReadAhead.
 */
export function takeAnsweredReadAhead(userId: string): Lesson[] | null {
  const found = ahead;
  if (!found || found.userId !== userId || found.answered === undefined || found.at === null) return null;
  ahead = null;
  return Date.now() - found.at < AHEAD_FRESH_MS ? found.answered : null;
}
