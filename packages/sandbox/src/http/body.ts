import type { Context } from "hono";
import { decodeForm, type ParamObject } from "../stripe/form-decode.ts";

/** What every stand-in reads of a request body at most (Stripe, Supabase and Resend answer 413 past it). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The stand-ins' one body reader: the whole body as UTF-8 text, at most `MAX_BODY_BYTES`. Past the
 * limit it throws `tooLarge()` (each service's own 413) and stops reading; the server drains the
 * rest, so the answer reaches the client instead of a reset connection.
 */
export async function readText(c: Context, tooLarge: () => Error, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBytes(c.req.raw, tooLarge, limit)).toString("utf8");
}

/** The whole body as bytes, at most `limit` (see `readText`). */
export async function readBytes(req: Request, tooLarge: () => Error, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const body = req.body;
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not cancelled: that would reset the connection before the 413 is read.
      reader.releaseLock();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * A JSON body: `empty` for an empty (or blank) body, the parsed value otherwise; text that is not
 * JSON throws `invalid()`. Each service checks the value's shape itself.
 */
export async function readJson<T>(
  c: Context,
  errors: { tooLarge: () => Error; invalid: () => Error },
  empty: T,
): Promise<unknown> {
  const text = await readText(c, errors.tooLarge);
  if (text.trim() === "") return empty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.invalid();
  }
}

/** A JSON object (`{}` for an empty body); anything else throws `invalid()`. */
export async function readJsonObject(
  c: Context,
  errors: { tooLarge: () => Error; invalid: () => Error },
): Promise<Record<string, unknown>> {
  const v = await readJson(c, errors, {});
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw errors.invalid();
  return Object.fromEntries(Object.entries(v));
}

/** A form-encoded body as Stripe reads it (qs, with the limits and refusals of `decodeForm`). */
export async function readForm(c: Context, tooLarge: () => Error): Promise<ParamObject> {
  return decodeForm(await readText(c, tooLarge));
}

/** The bearer token of the Authorization header, if any. */
export function bearer(req: Request): string | undefined {
  const m = req.headers.get("authorization")?.match(/^Bearer\s+(.+)$/i);
  return m?.[1]?.trim();
}
