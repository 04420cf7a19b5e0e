/** A decoded Stripe request parameter: a string, a nested object, or a list (from `a[0]=…`/`a[]=…`). */
export type Param = string | ParamObject | Param[];
export interface ParamObject {
  [key: string]: Param;
}

function decodePart(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, " "));
}

/** Splits `line_items[0][price]` into `["line_items", "0", "price"]`; `expand[]` gives `["expand", ""]`. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open < 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  for (const m of key.slice(open).matchAll(re)) parts.push(m[1] ?? "");
  return parts;
}

function toArrays(value: Param): Param {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const numeric = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (numeric) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => toArrays(value[String(k)] ?? ""));
  }
  const out: ParamObject = {};
  for (const k of keys) out[k] = toArrays(value[k] ?? "");
  return out;
}

/**
 * Decodes a form-encoded (or query) string the way Stripe reads it: bracket keys become nested objects,
 * numeric or empty brackets become lists, the empty string stays (it means "unset").
 */
export function decodeForm(body: string): ParamObject {
  const root: ParamObject = {};
  let auto = 0;
  for (const pair of body.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawKey = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decodePart(pair.slice(eq + 1));
    const parts = splitKey(rawKey);
    let node: ParamObject = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] ?? "";
      if (part === "" && i > 0) part = String(auto++);
      if (i === parts.length - 1) {
        node[part] = value;
        break;
      }
      const next = node[part];
      if (next !== undefined && typeof next === "object" && !Array.isArray(next)) {
        node = next;
      } else {
        const created: ParamObject = {};
        node[part] = created;
        node = created;
      }
    }
  }
  const out = toArrays(root);
  return typeof out === "object" && !Array.isArray(out) ? out : {};
}
