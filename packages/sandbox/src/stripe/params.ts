import { invalidInteger, invalidParameter, missingParameter, StripeApiError, unknownParameter } from "./errors.ts";
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
/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

function metadataError(message: string, param: string): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", message, {
    code: "parameter_invalid_string",
    param,
    stored: false,
  });
}

function tooManyKeys(count: number, param: string): StripeApiError {
  return metadataError(
    `Metadata can have up to ${METADATA_LIMITS.keys} keys, but you've set ${count}. Email us at support+metadata@stripe.com for more information.`,
    param,
  );
}

/** Checks a metadata map against Stripe's limits, with Stripe's messages (param: the map's name). */
export function checkMetadata(map: Record<string, Param>, param: string): void {
  const entries = Object.entries(map);
  if (entries.length > METADATA_LIMITS.keys) throw tooManyKeys(entries.length, param);
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw invalidParameter(`${param}[${k}]`, `Invalid value for ${param}[${k}].`);
    if ([...k].length > METADATA_LIMITS.keyLength)
      throw metadataError(`Invalid key: ${k} must be a string under ${METADATA_LIMITS.keyLength} characters`, param);
    if ([...v].length > METADATA_LIMITS.valueLength)
      throw metadataError(`Invalid val: ${v} must be a string under ${METADATA_LIMITS.valueLength} characters`, param);
  }
}

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
    checkMetadata(value, path);
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
    // Own keys only: `constructor` or `toString` must read as unknown parameters, not as Object's.
    const sub = Object.hasOwn(spec, k) ? spec[k] : undefined;
    const name = path ? `${path}[${k}]` : k;
    if (sub === undefined) throw unknownParameter(name);
    validate(v, sub, name);
  }
}

/** Typed readers over validated parameters. An empty string means "unset" and reads as null. */
export class Params {
  readonly raw: ParamObject;
  /** Where these parameters sit in the request (`line_items[0]`), for error params; "" at the top. */
  readonly path: string;
  /** Validates against `spec` when given (top level); nested readers skip it (already validated). */
  constructor(raw: ParamObject, spec?: SpecObject, path = "") {
    if (spec) validate(raw, spec, path);
    this.raw = raw;
    this.path = path;
  }

  /** The full name of `key` as Stripe reports it in `param`. */
  name(key: string): string {
    return this.path ? `${this.path}[${key}]` : key;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.raw, key);
  }

  str(key: string): string | null {
    const v = this.raw[key];
    return typeof v === "string" && v !== "" ? v : null;
  }

  requireStr(key: string): string {
    const v = this.str(key);
    if (v === null) throw missingParameter(this.name(key));
    return v;
  }

  int(key: string): number | null {
    const v = this.str(key);
    if (v === null) return null;
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw invalidInteger(this.name(key), v);
    return Number(v);
  }

  bool(key: string): boolean | null {
    const v = this.str(key);
    if (v === null) return null;
    if (v !== "true" && v !== "false") throw invalidParameter(this.name(key), `Invalid boolean: ${v}`);
    return v === "true";
  }

  list(key: string): string[] {
    const v = this.raw[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  }

  obj(key: string): Params | null {
    const v = this.raw[key];
    if (typeof v !== "object" || Array.isArray(v)) return null;
    return new Params(v, undefined, this.name(key));
  }

  objects(key: string): Params[] {
    const v = this.raw[key];
    if (!Array.isArray(v)) return [];
    return v.flatMap((x, i) =>
      typeof x === "object" && !Array.isArray(x) ? [new Params(x, undefined, `${this.name(key)}[${i}]`)] : [],
    );
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
  const count = Object.keys(out).length;
  if (count > METADATA_LIMITS.keys) throw tooManyKeys(count, "metadata");
  return out;
}
