import type { IncomingMessage, ServerResponse } from "node:http";
import { StripeApiError } from "./errors.ts";

export const MAX_BODY = 1024 * 1024;

/**
 * Reads a request body up to MAX_BODY. A larger one is refused with 413 in Stripe's error shape (the
 * rest is drained, not kept, so the answer reaches the client instead of a reset connection).
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        if (!tooLarge)
          reject(
            new StripeApiError(
              413,
              "invalid_request_error",
              `Request body too large: the limit is ${MAX_BODY} bytes.`,
              {
                stored: false,
              },
            ),
          );
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-cache, no-store",
    ...headers,
  });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "content-length": 0 });
  res.end();
}
