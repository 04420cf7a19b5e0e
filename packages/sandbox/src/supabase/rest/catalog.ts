import type pg from "pg";

export interface Column {
  name: string;
  /** format_type(), usable as a cast: `timestamp with time zone`, `text[]`, … */
  type: string;
  /** pg_type.typname as Realtime reports it: `timestamptz`, `_text`, … */
  udtName: string;
}

export interface Table {
  schema: string;
  name: string;
  columns: Map<string, Column>;
  primaryKey: string[];
}

export interface DbFunction {
  schema: string;
  name: string;
  /** Input arguments in order, with their types and whether they have a default. */
  args: { name: string; type: string; hasDefault: boolean }[];
  returnsSet: boolean;
  returnsVoid: boolean;
  /** A composite (a table row type or a record): one JSON object per row. */
  returnsComposite: boolean;
}

export const EXPOSED_SCHEMA = "public";

interface ColumnRow {
  table_name: string;
  column_name: string;
  type: string;
  udt_name: string;
  is_pk: boolean;
}

interface FunctionRow {
  name: string;
  nargs: number;
  ndefaults: number;
  retset: boolean;
  returns_void: boolean;
  ret_typtype: string;
  ret_typname: string;
  argnames: string[] | null;
  argmodes: string[] | null;
  argtypes: string[];
}

/**
 * PostgREST's "schema cache": tables, columns and functions of the exposed schema. Loaded lazily
 * and reloaded once when a name is not found (a migration may have added it since).
 */
export class Catalog {
  readonly #db: pg.Pool;
  readonly #schema: string;
  #tables: Map<string, Table> | undefined;
  #functions: Map<string, DbFunction[]> | undefined;

  constructor(db: pg.Pool, schema = EXPOSED_SCHEMA) {
    this.#db = db;
    this.#schema = schema;
  }

  async #cachedTables(): Promise<Map<string, Table>> {
    if (!this.#tables) this.#tables = await this.#loadTables();
    return this.#tables;
  }

  async table(name: string): Promise<Table | undefined> {
    const found = (await this.#cachedTables()).get(name);
    if (found) return found;
    this.#tables = await this.#loadTables();
    return this.#tables.get(name);
  }

  /** The table, reloading once if it lacks one of the columns (added since the cache was made). */
  async tableWithColumns(name: string, columns: readonly string[]): Promise<Table | undefined> {
    const t = await this.table(name);
    if (!t || columns.every((c) => t.columns.has(c))) return t;
    this.#tables = await this.#loadTables();
    return this.#tables.get(name);
  }

  async tableNames(): Promise<string[]> {
    return [...(await this.#cachedTables()).keys()];
  }

  async functions(name: string): Promise<DbFunction[]> {
    if (!this.#functions) this.#functions = await this.#loadFunctions();
    const found = this.#functions.get(name);
    if (found) return found;
    this.#functions = await this.#loadFunctions();
    return this.#functions.get(name) ?? [];
  }

  async #loadTables(): Promise<Map<string, Table>> {
    const { rows } = await this.#db.query<ColumnRow>(
      `select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type,
              t.typname as udt_name,
              exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary and a.attnum = any(i.indkey)) as is_pk
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         join pg_type t on t.oid = a.atttypid
        where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')
        order by c.relname, a.attnum`,
      [this.#schema],
    );
    const tables = new Map<string, Table>();
    for (const r of rows) {
      let t = tables.get(r.table_name);
      if (!t) {
        t = { schema: this.#schema, name: r.table_name, columns: new Map(), primaryKey: [] };
        tables.set(r.table_name, t);
      }
      t.columns.set(r.column_name, { name: r.column_name, type: r.type, udtName: r.udt_name });
      if (r.is_pk) t.primaryKey.push(r.column_name);
    }
    return tables;
  }

  async #loadFunctions(): Promise<Map<string, DbFunction[]>> {
    const { rows } = await this.#db.query<FunctionRow>(
      `select p.proname as name, p.pronargs as nargs, p.pronargdefaults as ndefaults, p.proretset as retset,
              p.prorettype = 'void'::regtype as returns_void, rt.typtype as ret_typtype, rt.typname as ret_typname,
              p.proargnames as argnames, p.proargmodes::text[] as argmodes,
              array(select format_type(x.t, null) from unnest(p.proargtypes::oid[]) with ordinality as x(t, i) order by x.i) as argtypes
         from pg_proc p
         join pg_namespace n on n.oid = p.pronamespace
         join pg_type rt on rt.oid = p.prorettype
        where n.nspname = $1 and p.prokind = 'f'`,
      [this.#schema],
    );
    const fns = new Map<string, DbFunction[]>();
    for (const r of rows) {
      const names = r.argnames ?? [];
      const inputNames = r.argmodes
        ? names.filter((_, i) => ["i", "b", "v"].includes(r.argmodes?.[i] ?? "i"))
        : names.slice(0, r.nargs);
      const firstDefault = r.nargs - r.ndefaults;
      const args = r.argtypes.map((type, i) => ({ name: inputNames[i] ?? "", type, hasDefault: i >= firstDefault }));
      const fn: DbFunction = {
        schema: this.#schema,
        name: r.name,
        args,
        returnsSet: r.retset,
        returnsVoid: r.returns_void,
        returnsComposite: r.ret_typtype === "c" || r.ret_typname === "record",
      };
      fns.set(r.name, [...(fns.get(r.name) ?? []), fn]);
    }
    return fns;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(t: { schema: string; name: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}
