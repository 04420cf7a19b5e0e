// Access attacks on the magic-link PKCE flow of the Supabase stand-in (what the SPA signs in with):
// an auth code seen in a redirect, a log or a proxy must be worthless without the code verifier that
// stayed in the victim's browser, and worthless once redeemed. Each one that works is a success for
// the attacker; the suite's figure of successes must be 0.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database, Db } from "@gatehouse/types";
import { createClient } from "@supabase/supabase-js";
import type { ChaosContext } from "./context.ts";

export interface PkceOutcome {
  name: string;
  success: boolean;
  detail: string;
}

interface Mail {
  to: string;
  link: string;
}

export async function pkceAttacks(ctx: ChaosContext, notes: string[]): Promise<PkceOutcome[]> {
  const { supabase } = ctx.stack.urls;
  const { publishable } = ctx.stack.keys;
  const outcomes: PkceOutcome[] = [];
  const callback = `${ctx.stack.urls.web}/auth/callback?next=%2Flibrary`;
  const pkceClient = (): Db =>
    createClient<Database>(supabase, publishable, {
      auth: { flowType: "pkce", persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });

  /** The victim asks for a link in their browser; the mailed link is then opened. Returns the redirect. */
  const victimOpensLink = async (client: Db, email: string) => {
    const sent = await client.auth.signInWithOtp({ email, options: { emailRedirectTo: callback } });
    if (sent.error) throw new Error(`signInWithOtp: ${sent.error.message}`);
    const mails = (await (await fetch(`${supabase}/inbox.json`)).json()) as Mail[];
    const link = mails.find((m) => m.to === email)?.link;
    if (!link) throw new Error(`no mail for ${email}`);
    const res = await fetch(link, { redirect: "manual" });
    return { link, location: new URL(res.headers.get("location") ?? callback) };
  };
  const redeem = async (authCode: string, verifier: string) => {
    const res = await fetch(`${supabase}/auth/v1/token?grant_type=pkce`, {
      method: "POST",
      headers: { apikey: publishable, "content-type": "application/json" },
      body: JSON.stringify({ auth_code: authCode, code_verifier: verifier }),
    });
    const body = await res.text();
    return { ok: res.ok, detail: `${res.status} ${body.slice(0, 100)}` };
  };

  const email = `pkce-victim-${randomUUID()}@example.test`;
  const victim = pkceClient();
  const { link, location } = await victimOpensLink(victim, email);
  const code = location.searchParams.get("code") ?? "";
  outcomes.push({
    name: "PKCE magic link puts a session in the redirect URL",
    success: /access_token|refresh_token/.test(location.toString()),
    detail: location.search.slice(0, 120),
  });

  const guessed = await redeem(code, randomBytes(32).toString("hex"));
  outcomes.push({ name: "intercepted auth code redeemed with a guessed verifier", success: guessed.ok, ...guessed });

  // The attacker runs a flow of their own, so holds a genuine verifier, and offers it with the victim's code.
  const attackerVerifier = randomBytes(32).toString("base64url");
  const started = await fetch(`${supabase}/auth/v1/otp?redirect_to=${encodeURIComponent(callback)}`, {
    method: "POST",
    headers: { apikey: publishable, "content-type": "application/json" },
    body: JSON.stringify({
      email: `pkce-attacker-${randomUUID()}@example.test`,
      code_challenge: createHash("sha256").update(attackerVerifier).digest("base64url"),
      code_challenge_method: "s256",
    }),
  });
  if (!started.ok) notes.push(`control failed: the attacker's own PKCE flow did not start (${started.status})`);
  const foreign = await redeem(code, attackerVerifier);
  outcomes.push({
    name: "intercepted auth code redeemed with the attacker's own verifier",
    success: foreign.ok,
    ...foreign,
  });

  const replayedLink = await fetch(link, { redirect: "manual" });
  const replayedCode = new URL(replayedLink.headers.get("location") ?? callback).searchParams.get("code");
  outcomes.push({
    name: "PKCE magic link opened a second time yields a new auth code",
    success: replayedCode !== null,
    detail: `${replayedLink.status}`,
  });

  // The control: the victim's own browser redeems it, once.
  const legit = await victim.auth.exchangeCodeForSession(code);
  if (legit.error || legit.data.user?.email !== email) {
    notes.push(`control failed: the victim could not redeem its own auth code (${legit.error?.message ?? "no user"})`);
  }
  const twice = await redeem(code, "x".repeat(56));
  outcomes.push({ name: "auth code redeemed a second time", success: twice.ok, ...twice });
  return outcomes;
}
