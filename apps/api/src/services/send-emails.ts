// The worker's sender (cron and queue consumer, never the webhook): takes due emails from the
// outbox (claim_emails re-checks each against the current state), renders them in the user's
// language and sends them through Resend's HTTP API (POST /emails, the request the resend SDK
// makes) with Idempotency-Key = the dedupe key, so a retry after a lost answer never sends twice.
import { emailPayloadSchema } from "@gatehouse/types/db-functions";
import { EMAIL_KINDS, type EmailKind, type EmailLocale, linksFor } from "../emails/email-copy.ts";
import { renderEmail } from "../emails/render-email.ts";
import { classifyResendAnswer, type ResendAnswer, type SendOutcome } from "../emails/resend-outcome.ts";
import { callRpc } from "./call-rpc.ts";
import type { Services } from "./services.ts";
import { sleep } from "./waits.ts";

/**
 * The every-minute cron (wrangler.jsonc) sends due emails; the other one (every 15 min) reconciles.
 * Here, not in index.ts: workerd takes every named export of the main module for a handler.
 */
export const EMAIL_CRON = "* * * * *";

const RESEND_API = "https://api.resend.com";
/** Resend allows 2 requests a second by default; the sender stays under it. */
const MIN_GAP_MS = 550;

export interface SendReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skippedUnknownKind: number;
  /** Resend configured? Without RESEND_API_KEY nothing is claimed. */
  enabled: boolean;
}

export interface SendOptions {
  limit?: number;
  /** Backoff base in seconds; default EMAIL_RETRY_BASE_SECONDS (30). */
  retryBaseSeconds?: number;
  fetchFn?: typeof fetch;
}

const isKind = (k: string): k is EmailKind => (EMAIL_KINDS as readonly string[]).includes(k);

async function postToResend(
  s: Services,
  fetchFn: typeof fetch,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<ResendAnswer> {
  try {
    const res = await fetchFn(`${s.config.RESEND_API_URL ?? RESEND_API}/emails`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${s.config.RESEND_API_KEY}`,
        "Content-Type": "application/json",
        "Idempotency-Key": idempotencyKey,
        "User-Agent": "gatehouse",
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: ResendAnswer["body"] = null;
    try {
      parsed = JSON.parse(text) as ResendAnswer["body"];
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed, retryAfter: res.headers.get("retry-after") };
  } catch (e) {
    return {
      status: null,
      body: { name: "network_error", message: e instanceof Error ? e.message : String(e) },
      retryAfter: null,
    };
  }
}

async function finish(s: Services, id: number, o: SendOutcome): Promise<void> {
  await callRpc(s.db, "finish_email", {
    p_id: id,
    p_outcome: o.outcome,
    p_error: o.outcome === "sent" ? (o.note ?? null) : o.error,
    p_provider_id: o.outcome === "sent" ? o.providerId : null,
    p_retry_after_seconds: o.outcome === "retry" || o.outcome === "release" ? o.retryAfterSeconds : 0,
  });
}

export async function sendPendingEmails(s: Services, opts: SendOptions = {}): Promise<SendReport> {
  const report: SendReport = { claimed: 0, sent: 0, retried: 0, failed: 0, skippedUnknownKind: 0, enabled: false };
  const { RESEND_API_KEY, EMAIL_FROM, APP_URL } = s.config;
  if (!RESEND_API_KEY || !EMAIL_FROM) return report;
  report.enabled = true;
  const fetchFn = opts.fetchFn ?? fetch;
  const claimed = await callRpc(s.db, "claim_emails", { p_limit: opts.limit ?? 20 });
  report.claimed = claimed.length;
  const links = linksFor(APP_URL);
  let stopped: Extract<SendOutcome, { stopBatch: boolean }> | null = null;
  let last = 0;
  for (const m of claimed) {
    if (!isKind(m.kind)) {
      await finish(s, m.id, { outcome: "failed", error: `unknown email kind ${m.kind}` });
      report.skippedUnknownKind += 1;
      continue;
    }
    if (stopped) {
      // The run stopped (rate limit, bad key): the rest wait as long, not counted as an attempt.
      await finish(s, m.id, {
        outcome: "release",
        error: `not tried: ${stopped.error}`,
        retryAfterSeconds: stopped.retryAfterSeconds,
        stopBatch: true,
      });
      report.retried += 1;
      continue;
    }
    // The payload is jsonb written by the outbox's triggers: checked against their contract here,
    // per email, so one malformed row fails that email and not the whole batch.
    const payload = emailPayloadSchema.safeParse(m.payload ?? {});
    if (!payload.success) {
      await finish(s, m.id, {
        outcome: "failed",
        error: `payload does not match billing.email_payload: ${payload.error.message}`,
      });
      report.failed += 1;
      continue;
    }
    const locale: EmailLocale = m.locale === "fr" ? "fr" : "en";
    const rendered = renderEmail(m.kind, locale, payload.data, links);
    const wait = last + MIN_GAP_MS - Date.now();
    if (wait > 0) await sleep(wait);
    last = Date.now();
    const answer = await postToResend(
      s,
      fetchFn,
      {
        from: EMAIL_FROM,
        to: [m.email],
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: { "X-Entity-Ref-ID": m.dedupe_key.slice(0, 200) },
        tags: [{ name: "kind", value: m.kind }],
      },
      m.dedupe_key,
    );
    const outcome = classifyResendAnswer(
      answer,
      m.attempts,
      opts.retryBaseSeconds ?? s.config.EMAIL_RETRY_BASE_SECONDS,
    );
    await finish(s, m.id, outcome);
    if (outcome.outcome === "sent") report.sent += 1;
    else if (outcome.outcome === "failed") report.failed += 1;
    else {
      report.retried += 1;
      if (outcome.stopBatch) stopped = outcome;
    }
  }
  return report;
}
