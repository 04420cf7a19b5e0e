// Where a configured URL points, shared by the API's production guard and the SPA's production
// build check. Pure and import-free: the Vite build loads it too.

/**
 * The WHATWG URL every runtime here has (workerd, browsers, Node); this package compiles with the
 * ES library only, so it names the one member it reads.
 */
declare const URL: new (url: string) => { readonly hostname: string };

/** The sandbox's fake keys all carry this marker (packages/sandbox/src/keys.ts). */
export const SANDBOX_KEY_MARKER = /SANDBOX/i;

/** The URL's host, lower-case and without IPv6 brackets; null when it is not a URL. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 and 0.0.0.0: addresses only this machine reaches. */
export function isLocalAddress(url: string): boolean {
  const host = hostOf(url);
  if (host === null) return false;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "::1" ||
    host === "0.0.0.0"
  );
}
