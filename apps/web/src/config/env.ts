// The only module that reads VITE_* variables. Everything else asks for `getEnv()`.
// Checked by hand, not with zod: this runs at boot, and zod stays off the first page's JS.

export const ENV_NAMES = ["VITE_SUPABASE_URL", "VITE_SUPABASE_PUBLISHABLE_KEY", "VITE_API_URL"] as const;
export type EnvName = (typeof ENV_NAMES)[number];

export interface Env {
  supabaseUrl: string;
  supabasePublishableKey: string;
  apiUrl: string;
  /** True when Supabase is the local sandbox stand-in (127.0.0.1 / localhost). */
  isSandbox: boolean;
}

export interface EnvProblem {
  name: EnvName;
  reason: string;
}

export type EnvResult = { ok: true; env: Env } | { ok: false; problems: EnvProblem[] };

const trimSlash = (url: string): string => url.replace(/\/+$/, "");

const isHttpUrl = (value: string) => /^https?:\/\/[^\s]+$/.test(value);

/** Parses the VITE_* variables; reports every missing or malformed one by name. */
export function parseEnv(source: Record<string, unknown>): EnvResult {
  const values: Partial<Record<EnvName, string>> = {};
  const problems: EnvProblem[] = [];
  for (const name of ENV_NAMES) {
    const raw = source[name];
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (value === undefined || value === null || value === "") problems.push({ name, reason: "is missing" });
    else if (typeof value !== "string") problems.push({ name, reason: "must be a string" });
    else if (name !== "VITE_SUPABASE_PUBLISHABLE_KEY" && !isHttpUrl(value))
      problems.push({ name, reason: "must be an http(s) URL" });
    else values[name] = value;
  }
  const {
    VITE_SUPABASE_URL: rawSupabaseUrl,
    VITE_SUPABASE_PUBLISHABLE_KEY: publishableKey,
    VITE_API_URL: apiUrl,
  } = values;
  if (problems.length > 0 || !rawSupabaseUrl || !publishableKey || !apiUrl) return { ok: false, problems };
  const supabaseUrl = trimSlash(rawSupabaseUrl);
  const host = new URL(supabaseUrl).hostname;
  return {
    ok: true,
    env: {
      supabaseUrl,
      supabasePublishableKey: publishableKey,
      apiUrl: trimSlash(apiUrl),
      isSandbox: host === "127.0.0.1" || host === "localhost" || host === "[::1]",
    },
  };
}

let cached: EnvResult | undefined;

/** The result of parsing `import.meta.env`, computed once. */
export function getEnvResult(): EnvResult {
  cached ??= parseEnv(import.meta.env);
  return cached;
}

/** The parsed environment. main.tsx checks `getEnvResult()` before rendering the app, so this only throws in misuse. */
export function getEnv(): Env {
  const result = getEnvResult();
  if (!result.ok) throw new Error(`Invalid environment: ${result.problems.map((p) => p.name).join(", ")}`);
  return result.env;
}
