import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads the whole request body (at most 1 MiB) as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError("request body over 1 MiB");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export type Headers = Record<string, string>;

/** Sends a body (already serialised JSON, or any text) with the given status and headers. */
export function send(res: ServerResponse, status: number, body: string, headers: Headers = {}): void {
  const h: Headers = { ...headers };
  if (body.length > 0 && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
    h["Content-Type"] = "application/json; charset=utf-8";
  }
  res.writeHead(status, h);
  res.end(res.req.method === "HEAD" ? undefined : body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Headers = {}): void {
  send(res, status, JSON.stringify(value), headers);
}

/** The first value of a request header, lower-case name. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The bearer token of the Authorization header, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  const auth = header(req, "authorization");
  const m = auth?.match(/^Bearer\s+(.+)$/i);
  return m?.[1]?.trim();
}
