import { badQuery } from "./pgrst-error.ts";

export type SelectItem = { kind: "star" } | { kind: "column"; column: string; alias: string };

export type CompareOp = "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "like" | "ilike";
export type IsValue = "null" | "not_null" | "true" | "false" | "unknown";

export type Filter = { column: string; negate: boolean } & (
  | { op: CompareOp; value: string }
  | { op: "in"; value: string[] }
  | { op: "is"; value: IsValue }
);

export interface OrderTerm {
  column: string;
  desc: boolean;
  nulls?: "first" | "last";
}

export interface ParsedQuery {
  select: SelectItem[];
  filters: Filter[];
  order: OrderTerm[];
  limit?: number;
  offset?: number;
  onConflict?: string[];
  columns?: string[];
}

const COMPARE_OPS = new Set<string>(["eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike"]);
const IS_VALUES = new Set<string>(["null", "not_null", "true", "false", "unknown"]);
const RESERVED = new Set(["select", "order", "limit", "offset", "on_conflict", "columns"]);
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t;
}

function column(raw: string, context: string): string {
  const name = unquote(raw);
  if (name.includes("->")) throw badQuery(`JSON paths (${raw}) are not supported by the sandbox`, context);
  if (!IDENT.test(name) && !raw.trim().startsWith('"'))
    throw badQuery(`failed to parse ${context}`, `unexpected "${raw}"`);
  return name;
}

/** `a,alias:b,*` — embedded resources `x(...)`, casts and JSON paths are refused. */
export function parseSelect(raw: string | null): SelectItem[] {
  if (raw === null || raw.trim() === "" || raw.trim() === "*") return [{ kind: "star" }];
  if (/[()]/.test(raw)) {
    throw badQuery(
      `failed to parse select parameter (${raw})`,
      "embedded resources (relation(...)) are not supported by the Supabase stand-in: select columns of one table",
    );
  }
  return raw.split(",").map((part) => {
    const item = part.trim();
    if (item === "*") return { kind: "star" } as const;
    if (item.includes("::") || item.startsWith("...")) {
      throw badQuery(`failed to parse select parameter (${raw})`, `casts and spreads are not supported: "${item}"`);
    }
    const [aliasOrCol = "", col] = item.split(/:(?!:)/, 2);
    const name = column(col ?? aliasOrCol, `select parameter (${raw})`);
    return { kind: "column", column: name, alias: col === undefined ? name : unquote(aliasOrCol) };
  });
}

/** `(a,"b,c",d)` → ["a", "b,c", "d"] */
function parseList(raw: string, context: string): string[] {
  if (!raw.startsWith("(") || !raw.endsWith(")")) throw badQuery(`failed to parse filter (${context})`);
  const body = raw.slice(1, -1);
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? "";
    if (quoted) {
      if (ch === "\\" && i + 1 < body.length) cur += body[++i] ?? "";
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (body.length > 0) out.push(cur);
  return out;
}

export function parseFilter(key: string, raw: string): Filter {
  const col = column(key, `filter (${key}=${raw})`);
  let rest = raw;
  let negate = false;
  if (rest.startsWith("not.")) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf(".");
  const op = dot < 0 ? rest : rest.slice(0, dot);
  const value = dot < 0 ? "" : rest.slice(dot + 1);
  if (dot < 0 && !COMPARE_OPS.has(op) && op !== "in" && op !== "is") {
    throw badQuery(
      `"failed to parse filter (${raw})" (line 1, column ${raw.length + 1})`,
      `unexpected end of input expecting "."`,
    );
  }
  if (COMPARE_OPS.has(op)) return { column: col, negate, op: op as CompareOp, value };
  if (op === "in") return { column: col, negate, op, value: parseList(value, `${key}=${raw}`) };
  if (op === "is") {
    if (!IS_VALUES.has(value))
      throw badQuery(
        `"failed to parse filter (${raw})"`,
        `unexpected "${value}" expecting null, not_null, true, false or unknown`,
      );
    return { column: col, negate, op, value: value as IsValue };
  }
  throw badQuery(
    `"failed to parse filter (${raw})" (line 1, column ${(negate ? 4 : 0) + op.length + 1})`,
    `unexpected "${op}" expecting an operator the sandbox supports: eq, neq, gt, gte, lt, lte, like, ilike, in, is (optionally not.)`,
  );
}

export function parseOrder(raw: string): OrderTerm[] {
  return raw.split(",").map((term) => {
    const [col = "", ...mods] = term.trim().split(".");
    const t: OrderTerm = { column: column(col, `order (${raw})`), desc: false };
    for (const m of mods) {
      if (m === "asc") t.desc = false;
      else if (m === "desc") t.desc = true;
      else if (m === "nullsfirst") t.nulls = "first";
      else if (m === "nullslast") t.nulls = "last";
      else
        throw badQuery(
          `"failed to parse order (${raw})"`,
          `unexpected "${m}" expecting "asc", "desc", "nullsfirst" or "nullslast"`,
        );
    }
    return t;
  });
}

function nonNegativeInt(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw badQuery(`"failed to parse ${name} parameter (${raw})"`);
  return Number(raw);
}

function columnList(name: string, raw: string): string[] {
  return raw.split(",").map((c) => column(c, `${name} (${raw})`));
}

/** Splits a PostgREST query string into select, filters, order and paging. */
export function parseQuery(params: URLSearchParams): ParsedQuery {
  const q: ParsedQuery = { select: parseSelect(params.get("select")), filters: [], order: [] };
  const order = params.get("order");
  if (order) q.order = parseOrder(order);
  const limit = params.get("limit");
  if (limit !== null) q.limit = nonNegativeInt("limit", limit);
  const offset = params.get("offset");
  if (offset !== null) q.offset = nonNegativeInt("offset", offset);
  const onConflict = params.get("on_conflict");
  if (onConflict) q.onConflict = columnList("on_conflict", onConflict);
  const columns = params.get("columns");
  if (columns) q.columns = columnList("columns", columns);
  for (const [key, value] of params) {
    if (RESERVED.has(key)) continue;
    if (key === "or" || key === "and" || key.startsWith("not.or") || key.startsWith("not.and")) {
      throw badQuery(`"failed to parse logic tree (${value})"`, "or=/and= filters are not supported by the sandbox");
    }
    if (key.includes(".")) {
      throw badQuery(
        `"failed to parse filter (${key})"`,
        "filters on embedded resources are not supported by the sandbox",
      );
    }
    q.filters.push(parseFilter(key, value));
  }
  return q;
}
