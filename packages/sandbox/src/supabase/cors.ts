import type { IncomingMessage, ServerResponse } from "node:http";
import { header } from "./http.ts";

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

/** The sandbox allows any origin (it only listens on 127.0.0.1). */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = header(req, "origin");
  res.setHeader("Access-Control-Allow-Origin", origin ?? "*");
  if (origin) res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS.join(", "));
}

/** Answers an OPTIONS preflight. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = (header(req, "access-control-request-headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[a-z0-9-]+$/.test(h));
  const allowed = [...new Set([...ALLOWED_HEADERS, ...requested])];
  res.writeHead(204, {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": allowed.join(", "),
    "Access-Control-Max-Age": "86400",
  });
  res.end();
}
