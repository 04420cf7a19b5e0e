import type { MiddlewareHandler } from "hono";

// What supabase-js sends from a browser; a preflight's own list is echoed on top of these.
const ALLOWED_HEADERS = [
  "authorization",
  "apikey",
  "content-type",
  "x-client-info",
  "x-supabase-api-version",
  "content-profile",
  "accept-profile",
  "prefer",
  "range",
  "range-unit",
  "x-retry-count",
  "x-upsert",
  "x-metadata",
  "cache-control",
];
const EXPOSED_HEADERS = [
  "Content-Range",
  "Content-Location",
  "Location",
  "Preference-Applied",
  "X-Supabase-Api-Version",
  "Content-Length",
  "Content-Disposition",
  "ETag",
];

/**
 * The sandbox allows any origin (it only listens on 127.0.0.1): every answer carries the CORS
 * headers, and an OPTIONS preflight is answered here with the allowed methods and headers (the
 * preflight's own list echoed on top of what supabase-js sends).
 */
export const cors: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header("origin");
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": origin ?? "*",
    ...(origin ? { Vary: "Origin" } : {}),
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Expose-Headers": EXPOSED_HEADERS.join(", "),
  };
  if (c.req.method === "OPTIONS") {
    const requested = (c.req.header("access-control-request-headers") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => /^[a-z0-9-]+$/.test(h));
    return new Response(null, {
      status: 204,
      headers: {
        ...headers,
        "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": [...new Set([...ALLOWED_HEADERS, ...requested])].join(", "),
        "Access-Control-Max-Age": "86400",
      },
    });
  }
  await next();
  for (const [k, v] of Object.entries(headers)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
};
