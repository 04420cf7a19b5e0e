import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { loadStripeSchemas, type StripeSchemas } from "./stripe-schemas.ts";

/** One body the stand-in sent: an API answer or a delivered event. */
export interface RecordedBody {
  kind: "response" | "event";
  /** `GET /v1/customers/cus_…` or the event's type, to say where a problem came from. */
  source: string;
  body: string;
}

export interface Nonconformity {
  source: string;
  /** The object's `object` (and event type) and the JSON pointer of the offending value. */
  where: string;
  problem: string;
}

export interface ConformanceReport {
  objects: number;
  events: number;
  byType: Record<string, number>;
  problems: Nonconformity[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The Stripe objects (values with an `object` field) inside `value`, outermost only (each checks its own). */
function nestedObjects(value: Record<string, unknown>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const v of x) walk(v);
      return;
    }
    if (!isRecord(x)) return;
    if (typeof x.object === "string") {
      out.push(x);
      return;
    }
    for (const v of Object.values(x)) walk(v);
  };
  for (const v of Object.values(value)) walk(v);
  return out;
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    v = Array.isArray(v) ? v[Number(key)] : isRecord(v) ? v[key] : undefined;
  }
  return v;
}

/** Ajv's errors, with an enum's failed alternatives folded into "must be one of …" at each path. */
function describeErrors(errors: readonly ErrorObject[], value: unknown): Array<{ path: string; problem: string }> {
  const enums = new Map<string, string[]>();
  for (const e of errors)
    if (e.keyword === "const" && isRecord(e.params)) {
      const list = enums.get(e.instancePath) ?? [];
      list.push(String(e.params.allowedValue));
      enums.set(e.instancePath, list);
    }
  const out: Array<{ path: string; problem: string }> = [];
  for (const [path, allowed] of enums)
    out.push({
      path: path || "/",
      problem: `must be one of ${allowed.join(", ")} (got ${JSON.stringify(valueAt(value, path))})`,
    });
  for (const e of errors) {
    if (e.keyword === "const" || (e.keyword === "anyOf" && enums.has(e.instancePath))) continue;
    if (e.keyword === "type" && enums.has(e.instancePath)) continue;
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
    out.push({ path: e.instancePath || "/", problem: `${e.message ?? "invalid"}${params}` });
  }
  return out.slice(0, 20);
}

/**
 * Validates Stripe objects against schemas generated from the stripe package's types: each object
 * by its `object` field (lists item by item, deleted objects by their Deleted type), each event by
 * its `type` (the event envelope and its full `data.object`).
 */
export class ConformanceChecker {
  readonly schemas: StripeSchemas;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(schemas: StripeSchemas = loadStripeSchemas()) {
    this.schemas = schemas;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    this.ajv.addSchema({ definitions: schemas.definitions }, "stripe");
  }

  private validator(root: string): ValidateFunction | null {
    if (!(root in this.schemas.definitions)) return null;
    let v = this.compiled.get(root);
    if (!v) {
      const found = this.ajv.getSchema(`stripe#/definitions/${encodeURIComponent(root)}`);
      if (!found) return null;
      v = found;
      this.compiled.set(root, v);
    }
    return v;
  }

  /** The fields a root's type declares (required and optional), e.g. `declaredFields("object:invoice")`. */
  declaredFields(root: string): string[] {
    let def: unknown = this.schemas.definitions[root];
    for (let hops = 0; isRecord(def) && typeof def.$ref === "string" && hops < 10; hops++) {
      const name = decodeURIComponent(def.$ref.replace("#/definitions/", ""));
      def = this.schemas.definitions[name];
    }
    return isRecord(def) && isRecord(def.properties) ? Object.keys(def.properties) : [];
  }

  /** Problems with one Stripe value (an object, a list of them, or an event), [] when it conforms. */
  check(value: unknown, source: string, report?: ConformanceReport): Nonconformity[] {
    if (!isRecord(value)) return [{ source, where: "", problem: "not a JSON object" }];
    const object = value.object;
    if (object === "list" || object === "search_result") {
      const problems: Nonconformity[] = [];
      const extra = Object.keys(value).filter((k) => !["object", "data", "has_more", "url"].includes(k));
      if (extra.length) problems.push({ source, where: "list", problem: `unexpected list fields ${extra.join(", ")}` });
      if (!Array.isArray(value.data) || typeof value.has_more !== "boolean" || typeof value.url !== "string")
        problems.push({ source, where: "list", problem: "a list needs data[], has_more and url" });
      for (const item of Array.isArray(value.data) ? value.data : [])
        problems.push(...this.check(item, source, report));
      return problems;
    }
    if (typeof object !== "string") return [{ source, where: "", problem: "no `object` field" }];
    const isEvent = object === "event";
    const root = isEvent
      ? `event:${String(value.type)}`
      : value.deleted === true
        ? `deleted:${object}`
        : `object:${object}`;
    if (report) {
      if (isEvent) report.events++;
      else report.objects++;
      report.byType[root] = (report.byType[root] ?? 0) + 1;
    }
    const validate = this.validator(root);
    if (!validate)
      return [
        {
          source,
          where: root,
          problem: `no schema for ${root}: add the type to conformance/stripe-types.ts (an event to EVENT_TYPES there)`,
        },
      ];
    const problems: Nonconformity[] = validate(value)
      ? []
      : describeErrors(validate.errors ?? [], value).map(({ path, problem }) => ({
          source,
          where: `${root} ${path}`,
          problem,
        }));
    // Objects inside it (expanded fields, list items, an event's data.object) against their own schemas.
    for (const inner of nestedObjects(value)) problems.push(...this.check(inner, source, report));
    return problems;
  }

  /** Checks every recorded body that is a Stripe object (error bodies are Stripe's error shape, not objects). */
  checkAll(recorded: readonly RecordedBody[]): ConformanceReport {
    const report: ConformanceReport = { objects: 0, events: 0, byType: {}, problems: [] };
    for (const r of recorded) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        report.problems.push({ source: r.source, where: "", problem: "not JSON" });
        continue;
      }
      if (isRecord(parsed) && "error" in parsed && r.kind === "response") continue;
      report.problems.push(...this.check(parsed, r.source, report));
    }
    return report;
  }
}

/** One line per problem, grouped so a failing test says what to fix. */
export function describeProblems(problems: readonly Nonconformity[], max = 40): string {
  const seen = new Map<string, { n: number; source: string }>();
  for (const p of problems) {
    const key = `${p.where}: ${p.problem}`;
    const s = seen.get(key);
    if (s) s.n++;
    else seen.set(key, { n: 1, source: p.source });
  }
  return [...seen.entries()]
    .slice(0, max)
    .map(([k, { n, source }]) => `${k} (×${n}, first in ${source})`)
    .join("\n");
}
