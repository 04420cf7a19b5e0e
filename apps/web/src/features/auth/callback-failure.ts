import type { MessageKey } from "@/features/i18n/index.ts";

/** Why a sign-in link did not sign the user in, as far as the callback URL and supabase-js can tell. */
export type CallbackFailure = "expired" | "other_browser" | "invalid";

/** Supabase's codes for a link or auth code that was used, is too old, or never existed. */
const EXPIRED = new Set(["otp_expired", "flow_state_expired", "flow_state_not_found"]);

function param(url: URL, name: string): string | null {
  return url.searchParams.get(name) ?? new URLSearchParams(url.hash.slice(1)).get(name);
}

/**
 * Reads the callback URL after supabase-js gave up (`initError`: the code of the error its
 * initialize() returned). Supabase puts link errors in the query (PKCE) and the fragment; a
 * `?code=` still in the URL means the exchange never happened or was refused: with PKCE, the
 * code verifier lives in the browser that asked for the link, so it was opened in another one
 * (or an older link was used after a newer one was requested).
 */
export function callbackFailure(href: string, initError: string | null | undefined): CallbackFailure {
  const url = new URL(href);
  const code = param(url, "error_code") ?? initError ?? null;
  if (code && EXPIRED.has(code)) return "expired";
  if (code === "bad_code_verifier" || code === "pkce_code_verifier_not_found") return "other_browser";
  if (!code && url.searchParams.has("code")) return "other_browser";
  return "invalid";
}

export const CALLBACK_FAILURE_MESSAGE: Record<CallbackFailure, MessageKey> = {
  expired: "auth.callback.expired",
  other_browser: "auth.callback.otherBrowser",
  invalid: "auth.callback.failed",
};
