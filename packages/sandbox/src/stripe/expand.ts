import { invalidParameter } from "./errors.ts";
import type { Kind, Store } from "./store.ts";

type Json = unknown;

/** The kind of object an id names, by its prefix (the longer prefix first: sub_sched_ before sub_). */
const KIND_BY_PREFIX = [
  ["prod_", "product"],
  ["price_", "price"],
  ["cus_", "customer"],
  ["sub_sched_", "subscription_schedule"],
  ["sub_", "subscription"],
  ["in_", "invoice"],
  ["cs_", "checkout_session"],
  ["feat_", "feature"],
  ["pi_", "payment_intent"],
  ["ch_", "charge"],
  ["re_", "refund"],
  ["du_", "dispute"],
] as const satisfies readonly (readonly [string, Kind])[];

function lookup(store: Store, id: string): Json | undefined {
  const kind = KIND_BY_PREFIX.find(([prefix]) => id.startsWith(prefix))?.[1];
  return kind ? store.get(kind, id) : undefined;
}

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function expandPath(store: Store, value: Json, path: string[], full: string): Json {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => expandPath(store, v, path, full));
  if (!isRecord(value)) return value;
  if (!(head in value)) throw invalidParameter("expand", `This property cannot be expanded (${full}).`);
  let child = value[head];
  if (typeof child === "string" && rest.length === 0) {
    child = lookup(store, child) ?? child;
  } else if (typeof child === "string") {
    child = lookup(store, child) ?? child;
    child = expandPath(store, child, rest, full);
  } else {
    child = expandPath(store, child, rest, full);
  }
  return { ...value, [head]: child };
}

/**
 * Applies Stripe's `expand[]` paths (`product`, `data.product`, `data.items.data.price.product`):
 * each id on the path is replaced by its object. Copies along the path; stored objects are untouched.
 */
export function expand<T>(store: Store, value: T, paths: readonly string[]): T {
  let out: Json = value;
  for (const p of paths) {
    const parts = p.split(".");
    if (parts.length > 6)
      throw invalidParameter("expand", `You cannot expand more than 4 levels of a property (${p}).`);
    out = expandPath(store, out, parts, p);
  }
  // Expansion only swaps ids for the objects those ids name, which the SDK's types allow.
  return out as T;
}
