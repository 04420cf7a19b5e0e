// `pnpm db:types`: the TypeScript types of the database's public schema, in the shape
// `supabase gen types typescript` writes (Json, Database with Tables/Views/Functions/Enums/
// CompositeTypes, Row/Insert/Update/Relationships, Args/Returns), read from pg_catalog of a
// throw-away Postgres that has the migrations applied. Writes packages/types/src/database.ts;
// gen-types.test.ts fails when a migration changed the schema and the file was not regenerated.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot, startTestDatabase } from "@gatehouse/sandbox/postgres";
import pg from "pg";

export const DATABASE_TYPES_PATH = join(repoRoot, "packages", "types", "src", "database.ts");

interface PgType {
  /** pg_type.typname of the type, or of the element for an array. */
  name: string;
  /** typtype of the (element) type: b base, e enum, c composite, d domain. */
  kind: string;
  /** Schema of the (element) type. */
  schema: string;
  array: boolean;
}

interface Column {
  table: string;
  name: string;
  type: PgType;
  notNull: boolean;
  hasDefault: boolean;
  identity: string;
  generated: string;
}

interface Relationship {
  table: string;
  name: string;
  columns: string[];
  referencedRelation: string;
  referencedColumns: string[];
  isOneToOne: boolean;
}

interface FunctionArg {
  name: string;
  type: PgType;
  optional: boolean;
}

interface FunctionDef {
  name: string;
  args: FunctionArg[];
  returns: PgType;
  returnsSet: boolean;
  /** Columns of `returns table (...)`; null otherwise. */
  tableColumns: { name: string; type: PgType }[] | null;
  /** The relation whose row type the function returns (`returns public.entitlements`), if any. */
  returnsRelation: string | null;
}

const TYPE_SQL = (oid: string) => `(
  select json_build_object(
    'name', coalesce(e.typname, t.typname),
    'kind', coalesce(e.typtype, t.typtype)::text,
    'schema', (select nspname from pg_namespace where oid = coalesce(e.typnamespace, t.typnamespace)),
    'array', e.oid is not null
  )
  from pg_type t left join pg_type e on e.oid = t.typelem and t.typcategory = 'A'
  where t.oid = ${oid}
)`;

async function readColumns(db: pg.Client, schema: string, kinds: string[]): Promise<Column[]> {
  const { rows } = await db.query<Column>(
    `select c.relname as "table", a.attname as name, ${TYPE_SQL("a.atttypid")} as type,
            a.attnotnull as "notNull", a.atthasdef as "hasDefault",
            a.attidentity::text as identity, a.attgenerated::text as generated
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind = any($2) and a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attname`,
    [schema, kinds],
  );
  return rows;
}

async function readRelations(db: pg.Client, schema: string, kinds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind = any($2) order by c.relname`,
    [schema, kinds],
  );
  return rows.map((r) => r.name);
}

async function readRelationships(db: pg.Client, schema: string): Promise<Relationship[]> {
  const { rows } = await db.query<Relationship>(
    `select src.relname as "table", k.conname as name,
            array(select a.attname from unnest(k.conkey) with ordinality u(n, i)
                    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i)::text[] as columns,
            dst.relname as "referencedRelation",
            array(select a.attname from unnest(k.confkey) with ordinality u(n, i)
                    join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i)::text[]
              as "referencedColumns",
            exists (
              select 1 from pg_constraint uk
               where uk.conrelid = k.conrelid and uk.contype in ('p', 'u')
                 and (select array_agg(x order by x) from unnest(uk.conkey) x)
                   = (select array_agg(x order by x) from unnest(k.conkey) x)
            ) as "isOneToOne"
       from pg_constraint k
       join pg_class src on src.oid = k.conrelid
       join pg_namespace sn on sn.oid = src.relnamespace
       join pg_class dst on dst.oid = k.confrelid
       join pg_namespace dn on dn.oid = dst.relnamespace
      where k.contype = 'f' and sn.nspname = $1 and dn.nspname = $1
      order by src.relname, k.conname`,
    [schema],
  );
  return rows;
}

async function readFunctions(db: pg.Client, schema: string): Promise<FunctionDef[]> {
  const { rows } = await db.query<{
    name: string;
    argNames: string[] | null;
    argModes: string[] | null;
    argTypes: PgType[];
    inputCount: number;
    defaults: number;
    returns: PgType;
    returnsSet: boolean;
    returnsRelation: string | null;
  }>(
    `select p.proname as name, p.proargnames as "argNames", p.proargmodes::text[] as "argModes",
            array(select ${TYPE_SQL("x.t")} from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
                    with ordinality x(t, i) order by x.i) as "argTypes",
            p.pronargs as "inputCount", p.pronargdefaults as defaults,
            ${TYPE_SQL("p.prorettype")} as returns, p.proretset as "returnsSet",
            (select rc.relname from pg_type rt join pg_class rc on rc.oid = rt.typrelid
               join pg_namespace rn on rn.oid = rc.relnamespace
              where rt.oid = p.prorettype and rn.nspname = $1 and rc.relkind in ('r', 'v', 'm', 'p'))
              as "returnsRelation"
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = $1 and p.prokind = 'f'
        and p.prorettype not in ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
      order by p.proname, p.oid`,
    [schema],
  );
  return rows.map((r) => {
    const inputs: FunctionArg[] = [];
    const tableColumns: { name: string; type: PgType }[] = [];
    r.argTypes.forEach((type, i) => {
      const mode = r.argModes?.[i] ?? "i";
      const name = r.argNames?.[i] ?? "";
      if (mode === "t") tableColumns.push({ name, type });
      else if (mode === "i" || mode === "b" || mode === "v") inputs.push({ name, type, optional: false });
    });
    inputs.forEach((arg, i) => {
      arg.optional = i >= r.inputCount - r.defaults;
    });
    return {
      name: r.name,
      args: inputs,
      returns: r.returns,
      returnsSet: r.returnsSet,
      tableColumns: tableColumns.length > 0 ? tableColumns : null,
      returnsRelation: r.returnsRelation,
    };
  });
}

async function readEnums(db: pg.Client, schema: string): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ name: string; labels: string[] }>(
    `select t.typname as name, array(select e.enumlabel from pg_enum e where e.enumtypid = t.oid
                                     order by e.enumsortorder)::text[] as labels
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typtype = 'e' order by t.typname`,
    [schema],
  );
  return new Map(rows.map((r) => [r.name, r.labels]));
}

async function readCompositeTypes(db: pg.Client, schema: string): Promise<Map<string, Column[]>> {
  const columns = await readColumns(db, schema, ["c"]);
  const map = new Map<string, Column[]>();
  for (const c of columns) map.set(c.table, [...(map.get(c.table) ?? []), c]);
  return map;
}

const STRING_TYPES = new Set([
  "bytea",
  "bpchar",
  "varchar",
  "date",
  "text",
  "citext",
  "time",
  "timetz",
  "timestamp",
  "timestamptz",
  "uuid",
  "vector",
  "name",
  "inet",
  "cidr",
]);
const NUMBER_TYPES = new Set(["int2", "int4", "int8", "float4", "float8", "numeric", "oid"]);

/** The TypeScript type `supabase gen types` gives a Postgres type. */
function tsType(t: PgType): string {
  let base: string;
  if (t.kind === "e") base = `Database[${q(t.schema)}]["Enums"][${q(t.name)}]`;
  else if (t.kind === "c") base = `Database[${q(t.schema)}]["CompositeTypes"][${q(t.name)}]`;
  else if (t.name === "bool") base = "boolean";
  else if (NUMBER_TYPES.has(t.name)) base = "number";
  else if (STRING_TYPES.has(t.name)) base = "string";
  else if (t.name === "json" || t.name === "jsonb") base = "Json";
  else if (t.name === "void") base = "undefined";
  else if (t.name === "record") base = "Record<string, unknown>";
  else base = "unknown";
  return t.array ? `${base}[]` : base;
}

const q = (s: string) => JSON.stringify(s);
const key = (s: string) => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : q(s));
const indent = (text: string, by: number) =>
  text
    .split("\n")
    .map((l) => (l ? " ".repeat(by) + l : l))
    .join("\n");
const NEVER_MAP = "{\n  [_ in never]: never\n}";

function objectType(fields: string[]): string {
  return fields.length === 0 ? NEVER_MAP : `{\n${indent(fields.join("\n"), 2)}\n}`;
}

function rowFields(columns: Column[]): string[] {
  return columns.map((c) => `${key(c.name)}: ${tsType(c.type)}${c.notNull ? "" : " | null"}`);
}

function writeFields(columns: Column[], update: boolean): string[] {
  return columns.map((c) => {
    if (c.identity === "a" || c.generated === "s") return `${key(c.name)}?: never`;
    const optional = update || !c.notNull || c.hasDefault || c.identity === "d";
    return `${key(c.name)}${optional ? "?" : ""}: ${tsType(c.type)}${c.notNull ? "" : " | null"}`;
  });
}

function relationshipsType(list: Relationship[]): string {
  if (list.length === 0) return "[]";
  const items = list.map(
    (r) =>
      `{\n${indent(
        [
          `foreignKeyName: ${q(r.name)}`,
          `columns: [${r.columns.map(q).join(", ")}]`,
          `isOneToOne: ${r.isOneToOne}`,
          `referencedRelation: ${q(r.referencedRelation)}`,
          `referencedColumns: [${r.referencedColumns.map(q).join(", ")}]`,
        ].join("\n"),
        2,
      )}\n},`,
  );
  return `[\n${indent(items.join("\n"), 2)}\n]`;
}

function functionType(fn: FunctionDef, columnsOf: Map<string, Column[]>): string {
  const args = [...fn.args].sort((a, b) => a.name.localeCompare(b.name));
  const argsType =
    args.length === 0
      ? "never"
      : objectType(args.map((a) => `${key(a.name)}${a.optional ? "?" : ""}: ${tsType(a.type)}`));
  let returns: string;
  if (fn.tableColumns) {
    returns = `${objectType(fn.tableColumns.map((c) => `${key(c.name)}: ${tsType(c.type)}`))}[]`;
  } else if (fn.returnsRelation) {
    returns = objectType(rowFields(columnsOf.get(fn.returnsRelation) ?? []));
    if (fn.returnsSet) returns += "[]";
  } else {
    returns = tsType(fn.returns);
    if (fn.returnsSet) returns += "[]";
  }
  return `{\n  Args: ${indent(argsType, 2).trimStart()}\n  Returns: ${indent(returns, 2).trimStart()}\n}`;
}

const HELPERS = `type PublicSchema = Database["public"]

/** A row of a public table or view: \`Tables<"entitlements">\`. */
export type Tables<T extends keyof (PublicSchema["Tables"] & PublicSchema["Views"])> = (PublicSchema["Tables"] &
  PublicSchema["Views"])[T] extends { Row: infer R }
  ? R
  : never

/** What an insert into a public table takes. */
export type TablesInsert<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Insert"]

/** What an update of a public table takes. */
export type TablesUpdate<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Update"]
`;

/** Reads the schema and returns the TypeScript source, unformatted. */
export async function generateDatabaseTypes(databaseUrl: string, schema = "public"): Promise<string> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const tables = await readRelations(db, schema, ["r", "p"]);
    const views = await readRelations(db, schema, ["v", "m"]);
    const columns = await readColumns(db, schema, ["r", "p", "v", "m"]);
    const relationships = await readRelationships(db, schema);
    const functions = await readFunctions(db, schema);
    const enums = await readEnums(db, schema);
    const composites = await readCompositeTypes(db, schema);

    const columnsOf = new Map<string, Column[]>();
    for (const c of columns) columnsOf.set(c.table, [...(columnsOf.get(c.table) ?? []), c]);
    const relationshipsOf = (t: string) => relationships.filter((r) => r.table === t);

    const tableTypes = tables.map((t) => {
      const cols = columnsOf.get(t) ?? [];
      return `${key(t)}: {\n${indent(
        [
          `Row: ${indent(objectType(rowFields(cols)), 2).trimStart()}`,
          `Insert: ${indent(objectType(writeFields(cols, false)), 2).trimStart()}`,
          `Update: ${indent(objectType(writeFields(cols, true)), 2).trimStart()}`,
          `Relationships: ${indent(relationshipsType(relationshipsOf(t)), 2).trimStart()}`,
        ].join("\n"),
        2,
      )}\n}`;
    });
    const viewTypes = views.map((v) => {
      const cols = columnsOf.get(v) ?? [];
      const row = rowFields(cols.map((c) => ({ ...c, notNull: false })));
      return `${key(v)}: {\n  Row: ${indent(objectType(row), 2).trimStart()}\n  Relationships: []\n}`;
    });
    const byName = new Map<string, FunctionDef[]>();
    for (const fn of functions) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
    const functionTypes = [...byName].map(
      ([name, overloads]) =>
        `${key(name)}: ${overloads
          .map((fn) => indent(functionType(fn, columnsOf), 2).trimStart())
          .join(overloads.length > 1 ? "\n  | " : "")}`,
    );
    const enumTypes = [...enums].map(([name, labels]) => `${key(name)}: ${labels.map(q).join(" | ") || "never"}`);
    const compositeTypes = [...composites].map(
      ([name, cols]) =>
        `${key(name)}: ${indent(objectType(rowFields(cols.map((c) => ({ ...c, notNull: false })))), 0)}`,
    );

    const section = (name: string, items: string[]) =>
      `${name}: ${indent(items.length ? `{\n${indent(items.join("\n"), 2)}\n}` : NEVER_MAP, 2).trimStart()}`;
    const schemaType = [
      section("Tables", tableTypes),
      section("Views", viewTypes),
      section("Functions", functionTypes),
      section("Enums", enumTypes),
      section("CompositeTypes", compositeTypes),
    ].join("\n");
    const enumConstants = [...enums].map(([name, labels]) => `${key(name)}: [${labels.map(q).join(", ")}],`);

    return [
      "// Generated by `pnpm db:types` (tooling/db-types/src/gen-types.ts) from supabase/migrations, in the",
      "// shape of `supabase gen types typescript`. Do not edit: change a migration and regenerate.",
      "export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]",
      "",
      "export type Database = {",
      "  // Allows to automatically instantiate createClient with right options",
      "  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)",
      "  __InternalSupabase: {",
      '    PostgrestVersion: "12"',
      "  }",
      `  ${key(schema)}: {`,
      indent(schemaType, 4),
      "  }",
      "}",
      "",
      HELPERS,
      "export const Constants = {",
      `  ${key(schema)}: {`,
      `    Enums: {${enumConstants.length ? `\n${indent(enumConstants.join("\n"), 6)}\n    ` : ""}},`,
      "  },",
      "} as const",
      "",
    ].join("\n");
  } finally {
    await db.end();
  }
}

/** Formats the source the way `pnpm format` would, so the committed file passes `pnpm lint`. */
export function formatWithBiome(source: string, path = DATABASE_TYPES_PATH): string {
  const biome = join(repoRoot, "node_modules", ".bin", "biome");
  const res = spawnSync(biome, ["format", `--stdin-file-path=${relative(repoRoot, path)}`], {
    cwd: repoRoot,
    input: source,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.error) throw new Error(`could not run biome (${biome}): ${res.error.message}`);
  if (res.status !== 0) throw new Error(`biome format failed: ${res.stderr.trim()}`);
  return res.stdout;
}

/** A throw-away database with the migrations applied → the formatted types file's content. */
export async function freshDatabaseTypes(): Promise<string> {
  const db = await startTestDatabase();
  try {
    return formatWithBiome(await generateDatabaseTypes(db.url));
  } finally {
    await db.stop();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    const started = Date.now();
    writeFileSync(DATABASE_TYPES_PATH, await freshDatabaseTypes());
    console.log(
      `db:types: wrote ${relative(repoRoot, DATABASE_TYPES_PATH)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (e) {
    console.error(`db:types: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
