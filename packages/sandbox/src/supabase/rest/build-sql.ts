import { quoteIdent, type Table } from "./catalog.ts";
import type { Filter, OrderTerm, SelectItem } from "./parse-query.ts";
import { PgrstError } from "./pgrst-error.ts";

/** Collects bound parameters; every client value goes through here, never into the SQL text. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function unknownColumn(table: Table, column: string): PgrstError {
  return new PgrstError(400, "42703", `column ${table.name}.${column} does not exist`);
}

export function checkColumn(table: Table, column: string): string {
  if (!table.columns.has(column)) throw unknownColumn(table, column);
  return quoteIdent(column);
}

export function selectList(table: Table, items: SelectItem[], alias = "_src"): string {
  return items
    .map((i) =>
      i.kind === "star" ? `${alias}.*` : `${alias}.${checkColumn(table, i.column)} as ${quoteIdent(i.alias)}`,
    )
    .join(", ");
}

const SQL_OPS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=", like: "like", ilike: "ilike" } as const;

function condition(table: Table, f: Filter, p: Params): string {
  const col = checkColumn(table, f.column);
  let expr: string;
  switch (f.op) {
    case "in": {
      const type = table.columns.get(f.column)?.type ?? "text";
      expr = `${col} = any(${p.add(f.value)}::${type}[])`;
      break;
    }
    case "is":
      expr = `${col} is ${f.value === "not_null" ? "not null" : f.value}`;
      break;
    case "like":
    case "ilike":
      expr = `${col} ${SQL_OPS[f.op]} ${p.add(f.value.replaceAll("*", "%"))}`;
      break;
    default:
      expr = `${col} ${SQL_OPS[f.op]} ${p.add(f.value)}`;
  }
  return f.negate ? `not (${expr})` : expr;
}

export function whereClause(table: Table, filters: Filter[], p: Params): string {
  if (filters.length === 0) return "";
  return ` where ${filters.map((f) => condition(table, f, p)).join(" and ")}`;
}

export function orderClause(table: Table, order: OrderTerm[]): string {
  if (order.length === 0) return "";
  const terms = order.map((o) => {
    const nulls = o.nulls ? ` nulls ${o.nulls}` : "";
    return `${checkColumn(table, o.column)} ${o.desc ? "desc" : "asc"}${nulls}`;
  });
  return ` order by ${terms.join(", ")}`;
}

/** A value from a JSON body, ready to bind against a column of the given type. */
export function bindValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === "json" || type === "jsonb") return JSON.stringify(value);
  if (Array.isArray(value)) return type.endsWith("[]") ? value : JSON.stringify(value);
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}
