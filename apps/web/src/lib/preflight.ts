/**
 * Has the browser ask now, and remember, whether `url` may be called cross-origin with these
 * request headers: the CORS preflight (an OPTIONS round trip) a call with them must otherwise make
 * first, when it is on the critical path. The browser caches a preflight per URL, for the
 * Access-Control-Max-Age the server answered (the API: 600 s; Chromium caps it at 2 h, 5 s when
 * absent), for every method and header it allowed. The request made for it is an OPTIONS with the
 * same header names (placeholder values: no token is sent), which the CORS layers answer at once.
 * Never throws; its answer is ignored.
 */
export function warmPreflight(url: string, headerNames: readonly string[]): void {
  try {
    const headers = Object.fromEntries(headerNames.map((name) => [name, "preflight"]));
    fetch(url, { method: "OPTIONS", headers }).catch(() => undefined);
  } catch {
    // No fetch, or a URL it refuses: the call makes its own preflight.
  }
}
