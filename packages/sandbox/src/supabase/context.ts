import type pg from "pg";
import type { ResendStandIn } from "../resend/resend-stand-in.ts";
import type { JwtKeys } from "./jwt-keys.ts";
import type { MailInbox } from "./mail-inbox.ts";

/** What every handler of the stand-in shares. */
export interface StandInContext {
  db: pg.Pool;
  keys: JwtKeys;
  /** Public base URL, e.g. http://127.0.0.1:54321 (known once the server listens). */
  baseUrl: () => string;
  /** The `iss` of access tokens: `<public URL>/auth/v1` (GoTrue's API_EXTERNAL_URL + /auth/v1). */
  issuer: () => string;
  accessTokenTtlSeconds: number;
  siteUrl: string;
  inbox: MailInbox;
  /** The Resend stand-in under /resend: its messages land in `inbox`. */
  resend: ResendStandIn;
  log: (line: string) => void;
}
