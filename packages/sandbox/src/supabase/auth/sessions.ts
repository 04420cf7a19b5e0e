import { randomBytes } from "node:crypto";
import type pg from "pg";
import { inTransaction } from "../../postgres/in-transaction.ts";
import type { StandInContext } from "../context.ts";
import { AuthError } from "./auth-error.ts";
import { findUserById, type UserRow, userJson } from "./users.ts";

export type AmrMethod = "password" | "otp" | "magiclink" | "email/signup";

interface SessionRow {
  id: string;
  user_id: string;
  aal: string;
  amr_method: string;
  amr_at: Date;
}

export interface SessionJson {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
}

/** GoTrue's refresh tokens are short random strings, not JWTs. */
function newRefreshToken(): string {
  return randomBytes(16).toString("base64url");
}

async function sessionJson(
  ctx: StandInContext,
  user: UserRow,
  session: SessionRow,
  refreshToken: string,
): Promise<SessionJson> {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ctx.accessTokenTtlSeconds;
  const u = userJson(user);
  const accessToken = await ctx.keys.sign(
    {
      iss: ctx.issuer(),
      sub: user.id,
      aud: "authenticated",
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: u.app_metadata,
      user_metadata: u.user_metadata,
      role: "authenticated",
      aal: session.aal,
      amr: [{ method: session.amr_method, timestamp: Math.floor(session.amr_at.getTime() / 1000) }],
      session_id: session.id,
      is_anonymous: user.is_anonymous,
    },
    exp,
    iat,
  );
  return {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: ctx.accessTokenTtlSeconds,
    expires_at: exp,
    refresh_token: refreshToken,
    user: u,
  };
}

/** Starts a new session for a user who just proved who they are. */
export async function issueSession(ctx: StandInContext, userId: string, method: AmrMethod): Promise<SessionJson> {
  const { user, session, token } = await inTransaction(ctx.db, async (c) => {
    await c.query("update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1", [userId]);
    const user = await findUserById(c, userId);
    if (!user) throw new AuthError(404, "user_not_found", "User not found");
    const { rows } = await c.query<SessionRow>(
      "insert into auth.sessions (user_id, amr_method) values ($1, $2) returning id, user_id, aal, amr_method, amr_at",
      [userId, method],
    );
    const session = rows[0];
    if (!session) throw new Error("no session row");
    const token = newRefreshToken();
    await c.query("insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)", [
      token,
      userId,
      session.id,
    ]);
    return { user, session, token };
  });
  return sessionJson(ctx, user, session, token);
}

/** Exchanges a refresh token for a new session; the old token is revoked (rotation). */
export async function refreshSession(ctx: StandInContext, refreshToken: string): Promise<SessionJson> {
  const outcome = await inTransaction(ctx.db, async (c) => {
    const { rows } = await c.query<{ token: string; revoked: boolean; session_id: string; user_id: string }>(
      "select token, revoked, session_id, user_id from auth.refresh_tokens where token = $1 for update",
      [refreshToken],
    );
    const row = rows[0];
    if (!row) return { error: "not_found" as const };
    if (row.revoked) {
      // Reuse of a rotated token: treat the whole session's token family as compromised.
      await c.query("update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1", [
        row.session_id,
      ]);
      return { error: "already_used" as const };
    }
    const sessions = await c.query<SessionRow>(
      "update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1 returning id, user_id, aal, amr_method, amr_at",
      [row.session_id],
    );
    const session = sessions.rows[0];
    const user = await findUserById(c, row.user_id);
    if (!session || !user) return { error: "not_found" as const };
    await c.query("update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1", [row.token]);
    const token = newRefreshToken();
    await c.query("insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)", [
      token,
      user.id,
      session.id,
      row.token,
    ]);
    return { user, session, token };
  });
  if ("error" in outcome) {
    // Committed above on purpose: the family revocation must stick.
    throw outcome.error === "already_used"
      ? new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
      : new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
  }
  return sessionJson(ctx, outcome.user, outcome.session, outcome.token);
}

export async function sessionExists(db: pg.Pool, sessionId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from auth.sessions where id = $1", [sessionId]);
  return (rowCount ?? 0) > 0;
}

/** Ends sessions: this one (local), all of the user's (global), or all but this one (others). */
export async function endSessions(
  db: pg.Pool,
  userId: string,
  sessionId: string,
  scope: "global" | "local" | "others",
): Promise<void> {
  if (scope === "local") await db.query("delete from auth.sessions where id = $1", [sessionId]);
  else if (scope === "others")
    await db.query("delete from auth.sessions where user_id = $1 and id <> $2", [userId, sessionId]);
  else await db.query("delete from auth.sessions where user_id = $1", [userId]);
}
