import type { MessageKey } from "@/features/i18n/index.ts";

interface AuthErrorLike {
  code?: unknown;
  status?: unknown;
  name?: unknown;
  message?: unknown;
}

function isObject(value: unknown): value is AuthErrorLike {
  return typeof value === "object" && value !== null;
}

/** Maps a supabase-js auth error (or anything thrown) to a message the user can act on. */
export function authErrorMessageKey(error: unknown): MessageKey {
  if (!isObject(error)) return "auth.error.generic";
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message.toLowerCase() : "";
  const name = typeof error.name === "string" ? error.name : "";
  if (code === "invalid_credentials" || message.includes("invalid login credentials")) {
    return "auth.error.invalid_credentials";
  }
  if (code === "weak_password" || message.includes("password should be")) return "auth.error.weak_password";
  if (code === "user_already_exists" || code === "email_exists" || message.includes("already registered")) {
    return "auth.error.user_already_exists";
  }
  if (code === "email_not_confirmed") return "auth.error.email_not_confirmed";
  if (code.startsWith("over_") || error.status === 429) return "auth.error.rate_limit";
  if (code === "email_address_invalid" || code === "validation_failed") return "auth.error.email";
  if (name === "AuthRetryableFetchError" || error.status === 0 || name === "TypeError") return "auth.error.network";
  return "auth.error.generic";
}
