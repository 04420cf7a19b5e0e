// Pagination cursors of the admin lists: the keyset position (created_at, id), signed with an
// HMAC of the API's secret so a cursor that was tampered with (or made up) is refused with 400.
import { ApiError } from "../../errors.ts";

export interface PagePosition {
  at: string;
  id: string;
}

const enc = new TextEncoder();

async function key(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    enc.encode(`gatehouse-admin-cursor:${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function fromB64url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export async function signCursor(secret: string, position: PagePosition): Promise<string> {
  const body = b64url(enc.encode(JSON.stringify([position.at, position.id])));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await key(secret), enc.encode(body)));
  return `${body}.${b64url(mac)}`;
}

const invalid = () =>
  new ApiError("invalid_cursor", "This cursor is not one the API gave: start again from the first page");

export async function readCursor(secret: string, cursor: string): Promise<PagePosition> {
  const [body, mac, extra] = cursor.split(".");
  if (!body || !mac || extra !== undefined || !/^[\w-]+$/.test(body) || !/^[\w-]+$/.test(mac)) throw invalid();
  let ok = false;
  try {
    ok = await crypto.subtle.verify("HMAC", await key(secret), fromB64url(mac), enc.encode(body));
  } catch {
    throw invalid();
  }
  if (!ok) throw invalid();
  const parsed: unknown = JSON.parse(new TextDecoder().decode(fromB64url(body)));
  if (!Array.isArray(parsed) || typeof parsed[0] !== "string" || typeof parsed[1] !== "string") throw invalid();
  return { at: parsed[0], id: parsed[1] };
}
