import { invalidParameter } from "./errors.ts";
import type { Store } from "./store.ts";

type Json = unknown;

function lookup(store: Store, id: string): Json | undefined {
  if (id.startsWith("prod_")) return store.get("product", id);
  if (id.startsWith("price_")) return store.get("price", id);
  if (id.startsWith("cus_")) return store.get("customer", id);
  if (id.startsWith("sub_sched_")) return store.get("subscription_schedule", id);
  if (id.startsWith("sub_")) return store.get("subscription", id);
  if (id.startsWith("in_")) return store.get("invoice", id);
  if (id.startsWith("cs_")) return store.get("checkout_session", id);
  if (id.startsWith("feat_")) return store.get("feature", id);
  if (id.startsWith("pi_")) return store.get("payment_intent", id);
  if (id.startsWith("ch_")) return store.get("charge", id);
  if (id.startsWith("re_")) return store.get("refund", id);
  if (id.startsWith("du_")) return store.get("dispute", id);
  return undefined;
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
