// PKCE as Supabase Auth does it (supabase/auth internal/api/pkce.go, token.go, models/flow_state.go):
// /otp and /signup take `code_challenge` + `code_challenge_method` (s256 or plain); the mailed link's
// token then carries the `pkce_` prefix, GET /verify answers with `?code=<auth code>` instead of a
// session in the fragment, and POST /token?grant_type=pkce redeems the code once with the verifier.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { inTransaction } from "../../postgres/in-transaction.ts";
import type { StandInContext } from "../context.ts";
import { AuthError } from "./auth-error.ts";
import { issueSession, type SessionJson } from "./sessions.ts";

export const PKCE_PREFIX = "pkce_";
const MIN_CHALLENGE_LENGTH = 43;
const MAX_CHALLENGE_LENGTH = 128;
const CHALLENGE_PATTERN = /^[a-zA-Z._~0-9-]+$/;
/** GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION's default: 300 s. */
export const FLOW_STATE_EXPIRY_SECONDS = 300;

export type ChallengeMethod = "s256" | "plain";
/** models.AuthenticationMethod values a flow state is stored with. */
export type FlowAuthMethod = "magiclink" | "email/signup";

export interface PkceChallenge {
  challenge: string;
  method: ChallengeMethod;
}

/**
 * GoTrue's validatePKCEParams: both or neither; the challenge 43–128 characters of RFC 7636's
 * alphabet; the method s256 or plain (any case). Null for the implicit flow.
 */
export function readPkceChallenge(body: Record<string, unknown>): PkceChallenge | null {
  const challenge = typeof body.code_challenge === "string" ? body.code_challenge : "";
  const method = typeof body.code_challenge_method === "string" ? body.code_challenge_method : "";
  if ((challenge === "") !== (method === "")) {
    throw new AuthError(400, "validation_failed", "PKCE flow requires code_challenge_method and code_challenge");
  }
  if (challenge === "") return null;
  if (challenge.length < MIN_CHALLENGE_LENGTH || challenge.length > MAX_CHALLENGE_LENGTH) {
    throw new AuthError(
      400,
      "validation_failed",
      `code challenge has to be between ${MIN_CHALLENGE_LENGTH} and ${MAX_CHALLENGE_LENGTH} characters`,
    );
  }
  if (!CHALLENGE_PATTERN.test(challenge)) {
    throw new AuthError(
      400,
      "validation_failed",
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
  }
  const lower = method.toLowerCase();
  if (lower !== "s256" && lower !== "plain") {
    throw new AuthError(400, "validation_failed", `unsupported code_challenge method "${method}"`);
  }
  return { challenge, method: lower };
}

/** models.ParseAuthenticationMethod for the verify types the stand-in mails. */
export function flowAuthMethod(verifyType: string): FlowAuthMethod {
  if (verifyType === "magiclink") return "magiclink";
  if (verifyType.endsWith("signup")) return "email/signup";
  throw new AuthError(400, "validation_failed", `unsupported authentication method "${verifyType}"`);
}

/** generateFlowState: a new flow for the user, its auth code a random UUID. */
export async function createFlowState(
  ctx: StandInContext,
  userId: string,
  method: FlowAuthMethod,
  pkce: PkceChallenge,
): Promise<void> {
  await ctx.db.query(
    `insert into auth.flow_state (user_id, auth_code, code_challenge_method, code_challenge, provider_type, authentication_method)
     values ($1, $2, $3, $4, $5, $5)`,
    [userId, randomUUID(), pkce.method, pkce.challenge, method],
  );
}

/**
 * issueAuthCode, on GET /verify of a `pkce_` link: the user's latest flow for that method gets its
 * auth code issued now (a magic-link flow expires counting from here).
 */
export async function issueAuthCode(ctx: StandInContext, userId: string, method: FlowAuthMethod): Promise<string> {
  const { rows } = await ctx.db.query<{ auth_code: string }>(
    `update auth.flow_state set auth_code_issued_at = now(), updated_at = now()
      where id = (select id from auth.flow_state where user_id = $1 and authentication_method = $2
                  order by created_at desc limit 1)
      returning auth_code`,
    [userId, method],
  );
  const code = rows[0]?.auth_code;
  if (!code) {
    throw new AuthError(
      400,
      "flow_state_not_found",
      "No associated flow state found. No valid flow state found for user.",
    );
  }
  return code;
}

function verifierMatches(method: string, challenge: string, verifier: string): boolean {
  const expected =
    method === "s256"
      ? createHash("sha256").update(verifier).digest("base64url")
      : method === "plain"
        ? verifier
        : null;
  if (expected === null) return false;
  const a = Buffer.from(challenge);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** POST /token?grant_type=pkce: the flow must exist, be fresh and match the verifier; it is then spent. */
export async function redeemAuthCode(ctx: StandInContext, authCode: string, verifier: string): Promise<SessionJson> {
  if (authCode === "" || verifier === "") {
    throw new AuthError(
      400,
      "validation_failed",
      "invalid request: both auth code and code verifier should be non-empty",
    );
  }
  const { userId, method } = await inTransaction(ctx.db, async (c) => {
    const { rows } = await c.query<{
      id: string;
      user_id: string | null;
      code_challenge: string;
      code_challenge_method: string;
      authentication_method: string;
      expired: boolean;
    }>(
      `select id, user_id, code_challenge, code_challenge_method, authentication_method,
              now() > (case when auth_code_issued_at is not null and authentication_method = 'magiclink'
                            then auth_code_issued_at else created_at end) + make_interval(secs => $2) as expired
         from auth.flow_state where auth_code = $1 limit 1 for update`,
      [authCode, FLOW_STATE_EXPIRY_SECONDS],
    );
    const flow = rows[0];
    if (!flow?.user_id) {
      throw new AuthError(404, "flow_state_not_found", "invalid flow state, no valid flow state found");
    }
    if (flow.expired) {
      throw new AuthError(422, "flow_state_expired", "invalid flow state, flow state has expired");
    }
    if (!verifierMatches(flow.code_challenge_method, flow.code_challenge, verifier)) {
      throw new AuthError(400, "bad_code_verifier", "code challenge does not match previously saved code verifier");
    }
    await c.query("delete from auth.flow_state where id = $1", [flow.id]);
    return { userId: flow.user_id, method: flow.authentication_method };
  });
  return issueSession(ctx, userId, method === "email/signup" ? "email/signup" : "magiclink");
}
