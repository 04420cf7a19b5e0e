import { createHash, randomInt } from "node:crypto";
import type { StandInContext } from "../context.ts";
import { AuthError } from "./auth-error.ts";
import { createFlowState, PKCE_PREFIX, type PkceChallenge } from "./pkce.ts";
import { issueSession, type SessionJson } from "./sessions.ts";
import { EMAIL_PATTERN, findUserByEmail, insertUser, normaliseEmail } from "./users.ts";

const OTP_TTL_SECONDS = 3600;
export const VERIFY_TYPES = new Set(["email", "magiclink", "signup"]);

/** GoTrue's token_hash: hex sha224 of email || otp. */
export function tokenHash(email: string, otp: string): string {
  return createHash("sha224")
    .update(normaliseEmail(email) + otp)
    .digest("hex");
}

export interface MagicLinkRequest {
  email: string;
  createUser: boolean;
  userMetadata: Record<string, unknown>;
  redirectTo: string | undefined;
  /** The client's PKCE challenge: the link then yields ?code= instead of a session. */
  pkce: PkceChallenge | null;
}

/** Creates a one-time token and "mails" it: the inbox page and the log get the link. */
export async function sendMagicLink(ctx: StandInContext, r: MagicLinkRequest): Promise<void> {
  if (!EMAIL_PATTERN.test(r.email)) {
    throw new AuthError(400, "validation_failed", "Unable to validate email address: invalid format");
  }
  let user = await findUserByEmail(ctx.db, r.email);
  if (!user) {
    if (!r.createUser) throw new AuthError(422, "otp_disabled", "Signups not allowed for otp");
    user = await insertUser(ctx.db, {
      email: r.email,
      passwordHash: null,
      confirmed: false,
      userMetadata: r.userMetadata,
    });
    user ??= await findUserByEmail(ctx.db, r.email);
    if (!user) throw new Error("could not create the user");
  }
  const email = user.email ?? normaliseEmail(r.email);
  const otp = String(randomInt(0, 1_000_000)).padStart(6, "0");
  // GoTrue's addFlowPrefixToToken: a PKCE link's token says so, and GET /verify reads it.
  const hash = (r.pkce ? PKCE_PREFIX : "") + tokenHash(email, otp);
  if (r.pkce) await createFlowState(ctx, user.id, "magiclink", r.pkce);
  await ctx.db.query("delete from auth.one_time_tokens where user_id = $1", [user.id]);
  await ctx.db.query(
    `insert into auth.one_time_tokens (user_id, token_type, token_hash, relates_to, expires_at)
     values ($1, 'magiclink', $2, $3, now() + make_interval(secs => $4))`,
    [user.id, hash, email, OTP_TTL_SECONDS],
  );
  await ctx.db.query("update auth.users set confirmation_sent_at = now() where id = $1", [user.id]);
  const redirect = r.redirectTo ?? ctx.siteUrl;
  const link = `${ctx.baseUrl()}/auth/v1/verify?token=${hash}&type=magiclink&redirect_to=${encodeURIComponent(redirect)}`;
  ctx.inbox.add({ to: email, subject: "Your Magic Link", link, code: otp });
  ctx.log(`mail to ${email}: magic link ${link} (code ${otp})`);
}

export type VerifyInput = { tokenHash: string } | { email: string; token: string };

/**
 * Consumes a one-time token (single use), confirms the email and returns the user's id. A code
 * typed by hand matches the link of either flow (GoTrue's isOtpValid also tries `pkce_` + hash).
 */
export async function consumeOneTimeToken(ctx: StandInContext, input: VerifyInput): Promise<string> {
  const hashes =
    "tokenHash" in input
      ? [input.tokenHash]
      : [tokenHash(input.email, input.token), PKCE_PREFIX + tokenHash(input.email, input.token)];
  const { rows } = await ctx.db.query<{ user_id: string; live: boolean }>(
    "delete from auth.one_time_tokens where token_hash = any($1) returning user_id, (expires_at > now()) as live",
    [hashes],
  );
  const row = rows[0];
  if (!row?.live) throw new AuthError(403, "otp_expired", "Token has expired or is invalid");
  await ctx.db.query(
    "update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() where id = $1",
    [row.user_id],
  );
  return row.user_id;
}

/** Consumes a one-time token and starts a session (POST /verify, and GET /verify of the implicit flow). */
export async function verifyOneTimeToken(ctx: StandInContext, input: VerifyInput): Promise<SessionJson> {
  return issueSession(ctx, await consumeOneTimeToken(ctx, input), "otp");
}
