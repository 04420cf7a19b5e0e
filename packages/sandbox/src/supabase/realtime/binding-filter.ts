/** A postgres_changes filter: `column=op.value` (eq, neq, lt, lte, gt, gte, in). */
export type BindingFilter =
  | { column: string; op: "eq" | "neq" | "lt" | "lte" | "gt" | "gte"; value: string }
  | { column: string; op: "in"; values: string[] };

const OPS = new Set(["eq", "neq", "lt", "lte", "gt", "gte", "in"]);

export function parseBindingFilter(filter: string): BindingFilter | { error: string } {
  const m = filter.match(/^([A-Za-z_][A-Za-z0-9_]*)=(eq|neq|lt|lte|gt|gte|in)\.(.*)$/s);
  if (!m) {
    return {
      error: `invalid filter ${JSON.stringify(filter)}: expected column=op.value with op one of ${[...OPS].join(", ")}`,
    };
  }
  const [, column = "", op = "", value = ""] = m;
  if (op === "in") {
    const list = value.match(/^\((.*)\)$/s)?.[1];
    if (list === undefined) return { error: `invalid filter ${JSON.stringify(filter)}: in takes (a,b,c)` };
    return { column, op: "in", values: list.split(",").map((v) => v.trim().replace(/^"(.*)"$/s, "$1")) };
  }
  return { column, op: op as "eq", value };
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a row (as the change carries it) passes the subscriber's filter. */
export function rowMatches(filter: BindingFilter, row: Record<string, unknown> | undefined): boolean {
  if (!row) return false;
  const v = text(row[filter.column]);
  if (v === null) return false;
  switch (filter.op) {
    case "in":
      return filter.values.includes(v);
    case "eq":
      return v === filter.value;
    case "neq":
      return v !== filter.value;
    case "lt":
      return compare(v, filter.value) < 0;
    case "lte":
      return compare(v, filter.value) <= 0;
    case "gt":
      return compare(v, filter.value) > 0;
    case "gte":
      return compare(v, filter.value) >= 0;
  }
}
