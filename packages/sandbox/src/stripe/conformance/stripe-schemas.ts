// JSON Schemas of Stripe's objects and events, generated from the installed `stripe` package's own
// type declarations (the pinned API version's), with its open string enums closed. Generating
// takes tens of seconds, so the result is cached under node_modules/.cache, keyed by the stripe and
// generator versions and the list of types: a second run loads it in milliseconds.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createGenerator, ExposeNodeParser } from "ts-json-schema-generator";
import { EVENT_TYPES, eventTypeName, OBJECT_TYPES } from "./stripe-types.ts";

/** Bump when the post-processing below changes, so cached schemas are regenerated. */
const FORMAT = 4;

export type JsonSchema = { [key: string]: unknown };

export interface StripeSchemas {
  /** Every definition; roots are named `object:<object>`, `deleted:<object>` and `event:<type>`. */
  definitions: Record<string, JsonSchema>;
  /** How many string enums the package leaves open (`… | OtherString`) that were closed. */
  closedEnums: number;
  /** How many expandable fields (`string | Customer`) validate their expanded object on its own. */
  expandables: number;
  stripeVersion: string;
  generatedInMs: number;
}

const require = createRequire(import.meta.url);

/** The folder of an installed package (`import.meta.resolve` is not available in Vitest's global setup). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (typeof pkg === "object" && pkg !== null && "name" in pkg && pkg.name === name) return dir;
    } catch {
      // no package.json here: keep climbing
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${name} package`);
    dir = up;
  }
}

const stripeEsm = join(packageDir("stripe"), "esm");
const cacheDir = join(import.meta.dirname, "..", "..", "..", "node_modules", ".cache", "stripe-schemas");
const OTHER_STRING = "#/definitions/shared%3AOtherString";
const DECIMAL = "Decimal:Decimal";

function versionOf(packageDir: string): string {
  const pkg: unknown = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";
}

/** The file the generator reads: one exported alias per root type. */
function entrySource(): string {
  const lines: string[] = [];
  let i = 0;
  const add = (module: string, type: string, alias: string) => {
    lines.push(
      `import type { ${type} as T${i} } from ${JSON.stringify(join(stripeEsm, "resources", `${module}.js`))};`,
    );
    lines.push(`export type ${alias} = T${i};`);
    i++;
  };
  for (const [object, [module, type, deleted]] of Object.entries(OBJECT_TYPES)) {
    add(module, type, `Object_${object.replace(/\./g, "__")}`);
    if (deleted) add(module, deleted, `Deleted_${object.replace(/\./g, "__")}`);
  }
  for (const type of EVENT_TYPES) add("Events", eventTypeName(type), `Event_${type.replace(/\./g, "__")}`);
  return `${lines.join("\n")}\n`;
}

/**
 * stripe-node declares several types with one name in different modules (`Card` and Issuing's
 * `Card`); the generator names definitions without their module and refuses the clash. This names
 * each definition `<module>:<Type.Path>` instead (`Issuing.Cards:Card`, `shared:OtherString`).
 */
function nameDefinitionsByModule(): void {
  interface ParserThis {
    typeChecker: { getFullyQualifiedName(symbol: unknown): string };
  }
  interface Context {
    getArguments(): Array<{ getName(): string } | undefined>;
  }
  function getDefinitionName(this: ParserThis, node: { symbol?: unknown }, context: Context): string {
    const full = this.typeChecker.getFullyQualifiedName(node.symbol);
    const m = /^"(.*)"\.(.*)$/.exec(full);
    const module = m?.[1] ?? "";
    const inStripe = module.includes("/esm/");
    const base = m
      ? `${inStripe ? module.replace(/^.*\/esm\/(resources\/)?/, "").replace(/\//g, ".") : "root"}:${m[2]}`
      : full;
    const args = context.getArguments().map((a) => a?.getName());
    return args.length ? `${base}<${args.join(",")}>` : base;
  }
  Object.defineProperty(ExposeNodeParser.prototype, "getDefinitionName", {
    value: getDefinitionName,
    configurable: true,
  });
}

function isSchema(x: unknown): x is JsonSchema {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Walks a schema depth first; where a schema has an `anyOf` list, `rewrite` may return the list
 * to put in its place (null keeps it), before the walk goes on into it. Returns how many it replaced.
 */
function rewriteUnions(node: unknown, rewrite: (anyOf: unknown[]) => unknown[] | null): number {
  let replaced = 0;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const v of x) walk(v);
      return;
    }
    if (!isSchema(x)) return;
    const anyOf: unknown = x.anyOf;
    const next = Array.isArray(anyOf) ? rewrite(anyOf) : null;
    if (next) {
      x.anyOf = next;
      replaced++;
    }
    for (const v of Object.values(x)) walk(v);
  };
  walk(node);
  return replaced;
}

/**
 * Closes open enums: stripe-node types enum fields as `'a' | 'b' | OtherString` so new values do
 * not break compilation; here a union of string constants loses its `OtherString`, so a value the
 * pinned version does not list fails. Returns how many unions were closed.
 */
export function closeEnums(node: unknown): number {
  return rewriteUnions(node, (anyOf) => {
    const open = anyOf.some((m) => isSchema(m) && m.$ref === OTHER_STRING);
    const literals = anyOf.some((m) => isSchema(m) && typeof m.const === "string");
    return open && literals ? anyOf.filter((m) => !(isSchema(m) && m.$ref === OTHER_STRING)) : null;
  });
}

/**
 * An expandable field (`customer: string | Customer | DeletedCustomer`) makes every object's schema
 * reach every other object's, and compiling that graph costs seconds per root. In such unions an
 * object member becomes "an object with an `object` field"; the checker validates expanded objects
 * against their own schema (see ConformanceChecker.check), so nothing is lost.
 */
export function splitExpandables(definitions: Record<string, JsonSchema>): number {
  const resolve = (x: unknown): JsonSchema | null => {
    let d: unknown = x;
    for (let hops = 0; isSchema(d) && typeof d.$ref === "string" && hops < 10; hops++)
      d = definitions[decodeURIComponent(d.$ref.replace("#/definitions/", ""))];
    return isSchema(d) ? d : null;
  };
  const isStripeObject = (m: unknown): boolean => {
    if (!isSchema(m) || typeof m.$ref !== "string") return false;
    const d = resolve(m);
    return d !== null && isSchema(d.properties) && isSchema(d.properties.object);
  };
  const isId = (m: unknown) => isSchema(m) && m.type === "string" && !("const" in m) && !("pattern" in m);
  return rewriteUnions(definitions, (anyOf) =>
    anyOf.some(isId) && anyOf.some(isStripeObject)
      ? [
          ...anyOf.filter((m) => !isStripeObject(m)),
          { type: "object", required: ["object"], properties: { object: { type: "string" } } },
        ]
      : null,
  );
}

function rootName(alias: string): string {
  const [kind = "", rest = ""] = alias.split(/_(.*)/s);
  const name = rest.replace(/__/g, ".");
  return kind === "Object" ? `object:${name}` : kind === "Deleted" ? `deleted:${name}` : `event:${name}`;
}

function generate(entryFile: string): Omit<StripeSchemas, "stripeVersion" | "generatedInMs"> {
  nameDefinitionsByModule();
  const generator = createGenerator({
    path: entryFile,
    type: "*",
    expose: "export",
    topRef: true,
    jsDoc: "none",
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const schema: unknown = generator.createSchema("*");
  const raw = isSchema(schema) && isSchema(schema.definitions) ? schema.definitions : {};
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(raw)) {
    if (!isSchema(def)) continue;
    // The entry's aliases become the roots, under names that say what they validate.
    definitions[name.startsWith("root:") ? rootName(name.slice("root:".length)) : name] = def;
  }
  // Decimal is a class in the SDK but a decimal string on the wire.
  definitions[DECIMAL] = { type: "string", pattern: "^-?\\d+(\\.\\d+)?$" };
  const closedEnums = closeEnums(definitions);
  const expandables = splitExpandables(definitions);
  return { definitions, closedEnums, expandables };
}

function waitForFile(file: string, lock: string, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      statSync(file);
      return true;
    } catch {
      // Another process holds the lock; a lock older than the timeout is stale.
      try {
        if (Date.now() - statSync(lock).mtimeMs > timeoutMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        return false;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  return false;
}

/** The schemas, from the cache when it matches the installed packages, else generated (and cached). */
export function loadStripeSchemas(): StripeSchemas {
  const source = entrySource();
  const stripeVersion = versionOf(packageDir("stripe"));
  const generatorVersion = versionOf(packageDir("ts-json-schema-generator"));
  const key = createHash("sha256")
    .update(`${FORMAT}\n${stripeVersion}\n${generatorVersion}\n${source}`)
    .digest("hex")
    .slice(0, 16);
  const file = join(cacheDir, `${key}.json`);
  const lock = join(cacheDir, `${key}.lock`);
  mkdirSync(cacheDir, { recursive: true });
  const read = (): StripeSchemas | null => {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      // The cache holds what this module wrote.
      return isSchema(parsed) && isSchema(parsed.definitions) ? (parsed as unknown as StripeSchemas) : null;
    } catch {
      return null;
    }
  };
  const cached = read();
  if (cached) return cached;
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch {
    if (waitForFile(file, lock, 180_000)) {
      const done = read();
      if (done) return done;
    }
  }
  try {
    const started = performance.now();
    const entryFile = join(cacheDir, `${key}.entry.ts`);
    writeFileSync(entryFile, source);
    const out: StripeSchemas = {
      ...generate(entryFile),
      stripeVersion,
      generatedInMs: Math.round(performance.now() - started),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(out));
    renameSync(tmp, file);
    // Schemas of older stripe versions or type lists are of no further use.
    for (const old of readdirSync(cacheDir))
      if (!old.startsWith(key) && /\.(json|entry\.ts)$/.test(old)) rmSync(join(cacheDir, old), { force: true });
    return out;
  } finally {
    if (owner) rmSync(lock, { recursive: true, force: true });
  }
}
