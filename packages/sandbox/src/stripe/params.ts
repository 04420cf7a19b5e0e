import { invalidParameter, missingParameter, unknownParameter } from "./errors.ts";
import type { Param, ParamObject } from "./form-decode.ts";

/**
 * What an endpoint accepts: `"s"` a scalar, `"map"` a free string map (metadata), an object of
 * named sub-parameters, or `[spec]` a list of them. Anything else is refused by name, as Stripe does.
 */
export type Spec = "s" | "map" | "list" | SpecObject | [Spec];
export interface SpecObject {
  [key: string]: Spec;
}

export const expandSpec: Spec = "list";
export const metadataSpec: Spec = "map";
export const pageSpec: SpecObject = { limit: "s", starting_after: "s", ending_before: "s", expand: "list" };

export function validate(value: Param, spec: Spec, path: string): void {
  if (spec === "s") {
    if (typeof value !== "string") throw invalidParameter(path, `Invalid value for ${path}: expected a string.`);
    return;
  }
  if (spec === "list") {
    if (typeof value === "string" && value === "") return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
      throw invalidParameter(path, `Invalid array for ${path}.`);
    return;
  }
  if (spec === "map") {
    if (value === "") return;
    if (typeof value !== "object" || Array.isArray(value)) throw invalidParameter(path, `Invalid object for ${path}.`);
    for (const [k, v] of Object.entries(value))
      if (typeof v !== "string") throw invalidParameter(`${path}[${k}]`, `Invalid value for ${path}[${k}].`);
    return;
  }
  if (Array.isArray(spec)) {
    const [inner] = spec;
    if (!Array.isArray(value)) throw invalidParameter(path, `Invalid array for ${path}.`);
    value.forEach((v, i) => {
      validate(v, inner, `${path}[${i}]`);
    });
    return;
  }
  if (value === "") return;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidParameter(path, `Invalid object for ${path}.`);
  for (const [k, v] of Object.entries(value)) {
    const sub = spec[k];
    const name = path ? `${path}[${k}]` : k;
    if (sub === undefined) throw unknownParameter(name);
    validate(v, sub, name);
  }
}

/** Typed readers over validated parameters. An empty string means "unset" and reads as null. */
export class Params {
  readonly raw: ParamObject;
  /** Validates against `spec` when given (top level); nested readers skip it (already validated). */
  constructor(raw: ParamObject, spec?: SpecObject) {
    if (spec) validate(raw, spec, "");
    this.raw = raw;
  }

  has(key: string): boolean {
    return key in this.raw;
  }

  str(key: string): string | null {
    const v = this.raw[key];
    return typeof v === "string" && v !== "" ? v : null;
  }

  requireStr(key: string): string {
    const v = this.str(key);
    if (v === null) throw missingParameter(key);
    return v;
  }

  int(key: string): number | null {
    const v = this.str(key);
    if (v === null) return null;
    if (!/^-?\d+$/.test(v)) throw invalidParameter(key, `Invalid integer: ${v}`);
    return Number(v);
  }

  bool(key: string): boolean | null {
    const v = this.str(key);
    if (v === null) return null;
    if (v !== "true" && v !== "false") throw invalidParameter(key, `Invalid boolean: ${v}`);
    return v === "true";
  }

  list(key: string): string[] {
    const v = this.raw[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  }

  obj(key: string): Params | null {
    const v = this.raw[key];
    if (typeof v !== "object" || Array.isArray(v)) return null;
    return new Params(v);
  }

  objects(key: string): Params[] {
    const v = this.raw[key];
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => (typeof x === "object" && !Array.isArray(x) ? [new Params(x)] : []));
  }

  /** A metadata-style map; `metadata[k]=` (empty) deletes k when merged. */
  map(key: string): Record<string, string> | null {
    const v = this.raw[key];
    if (v === undefined) return null;
    if (typeof v === "string") return {};
    if (Array.isArray(v)) return null;
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
    return out;
  }
}

/** Merges a metadata update into existing metadata: empty values delete keys, an empty map clears all. */
export function mergeMetadata(
  old: Record<string, string>,
  update: Record<string, string> | null,
): Record<string, string> {
  if (update === null) return old;
  if (Object.keys(update).length === 0) return {};
  const out = { ...old };
  for (const [k, v] of Object.entries(update)) {
    if (v === "") delete out[k];
    else out[k] = v;
  }
  return out;
}
