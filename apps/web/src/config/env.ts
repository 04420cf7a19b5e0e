import * as z from "zod/mini";

// The only module that reads VITE_* variables. Everything else asks for `getEnv()`.

const httpUrl = z.string().check(
  z.trim(),
  z.minLength(1, "is empty"),
  z.refine((value) => /^https?:\/\/[^\s]+$/.test(value), "must be an http(s) URL"),
);

const envSchema = z.object({
  VITE_SUPABASE_URL: httpUrl,
  VITE_SUPABASE_PUBLISHABLE_KEY: z.string().check(z.trim(), z.minLength(1, "is empty")),
  VITE_API_URL: httpUrl,
});

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

function isEnvName(value: unknown): value is EnvName {
  return typeof value === "string" && (ENV_NAMES as readonly string[]).includes(value);
}

/** Parses the VITE_* variables; reports every missing or malformed one by name. */
export function parseEnv(source: Record<string, unknown>): EnvResult {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems: EnvProblem[] = [];
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      if (!isEnvName(name) || problems.some((p) => p.name === name)) continue;
      const value = source[name];
      const missing = value === undefined || value === null || (typeof value === "string" && value.trim() === "");
      problems.push({ name, reason: missing ? "is missing" : issue.message });
    }
    return { ok: false, problems };
  }
  const supabaseUrl = trimSlash(parsed.data.VITE_SUPABASE_URL);
  const host = new URL(supabaseUrl).hostname;
  return {
    ok: true,
    env: {
      supabaseUrl,
      supabasePublishableKey: parsed.data.VITE_SUPABASE_PUBLISHABLE_KEY,
      apiUrl: trimSlash(parsed.data.VITE_API_URL),
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
