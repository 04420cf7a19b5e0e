// Whether this browser holds a Supabase session, read before supabase-js has loaded: /library
// draws a visitor's locked state at once instead of waiting for supabase-js to say "signed out"
// (issue 20). The prerendered /library holds the visitor's render, and the inline shell script
// (src/app/shell/shell-script.ts) swaps in the render with a session when this says yes (its head
// script, session-mark-script.ts, hides the visitor's render from such a browser until then); the
// app's first render asks the same question (savedSessionAtBoot), so it hydrates what is on screen. Only "no
// key at all" means a visitor: a saved session, one about to be refreshed, a PKCE sign-in under
// way (its code verifier) or storage that cannot be read all wait for supabase-js, so a member
// never sees a visitor's page.

/** supabase-js's keys: `sb-<project ref>-auth-token` and `…-auth-token-code-verifier`. */
const SUPABASE_AUTH_KEY = /^sb-.+-auth-token/;

/** True when `storage` may hold a Supabase session (or cannot be read). */
export function hasSavedSession(storage: () => Pick<Storage, "length" | "key">): boolean {
  try {
    const s = storage();
    for (let i = 0; i < s.length; i++) if (SUPABASE_AUTH_KEY.test(s.key(i) ?? "")) return true;
    return false;
  } catch {
    return true;
  }
}

let atBoot: boolean | undefined;

/**
 * hasSavedSession for this page load, read once (so every render agrees); false where there is
 * no browser (the build's render of a visitor's page) unless the build said otherwise.
 */
export function savedSessionAtBoot(): boolean {
  atBoot ??= typeof window === "undefined" ? false : hasSavedSession(() => window.localStorage);
  return atBoot;
}

/** The build's render of a page as a member's first render (src/app/shell/prerender.tsx), and tests. */
export function setSavedSessionAtBoot(saved: boolean | undefined): void {
  atBoot = saved;
}
