// What the sender does with Resend's answer to one email. Pure (table-tested).
//   sent   : Resend took it (or took it earlier under the same Idempotency-Key).
//   retry  : Resend is down or busy: try again after `retryAfterSeconds`, nothing lost.
//   release: Resend's rate limit: try again after `retryAfterSeconds`, not counted as an attempt.
//   failed : Resend refuses this email itself (bad address, …): recorded, never retried.
// `stopBatch`: later emails of this run would meet the same answer (rate limit, bad key): stop.

import { retryAfterSeconds } from "../services/waits.ts";

export interface ResendAnswer {
  /** HTTP status; null when the request never got an answer (network, timeout). */
  status: number | null;
  body: { id?: unknown; name?: unknown; message?: unknown } | null;
  retryAfter: string | null;
}

export type SendOutcome =
  | { outcome: "sent"; providerId: string | null; note?: string }
  | { outcome: "retry" | "release"; error: string; retryAfterSeconds: number; stopBatch: boolean }
  | { outcome: "failed"; error: string };

/** Backoff for attempt n (1-based): base · 3^(n-1), capped at 6 h. */
export function backoffSeconds(attempt: number, baseSeconds = 30): number {
  return Math.min(6 * 3600, Math.round(baseSeconds * 3 ** Math.max(0, attempt - 1)));
}

function describe(a: ResendAnswer): string {
  const name = typeof a.body?.name === "string" ? a.body.name : "unknown";
  const message = typeof a.body?.message === "string" ? a.body.message : "";
  return `Resend ${a.status ?? "no answer"} ${name}${message ? `: ${message}` : ""}`.slice(0, 500);
}

export function classifyResendAnswer(a: ResendAnswer, attempt: number, baseSeconds = 30): SendOutcome {
  const backoff = backoffSeconds(attempt, baseSeconds);
  if (a.status !== null && a.status >= 200 && a.status < 300) {
    return { outcome: "sent", providerId: typeof a.body?.id === "string" ? a.body.id : null };
  }
  const name = typeof a.body?.name === "string" ? a.body.name : "";
  if (a.status === 409 && name === "invalid_idempotent_request") {
    // Resend already took an email under this dedupe key (the copy has changed since): sent.
    return { outcome: "sent", providerId: null, note: describe(a) };
  }
  if (a.status === 409) return { outcome: "retry", error: describe(a), retryAfterSeconds: 5, stopBatch: false };
  if (a.status === 429) {
    const after = retryAfterSeconds(a.retryAfter) ?? 0;
    return {
      outcome: "release",
      error: describe(a),
      retryAfterSeconds: Math.max(Math.ceil(after), 1),
      stopBatch: true,
    };
  }
  // A missing, wrong or restricted key, an unverified domain: every email would fail the same way
  // until someone fixes the configuration. Kept, retried slowly, the run stops.
  if (a.status === 401 || a.status === 403) {
    return { outcome: "retry", error: describe(a), retryAfterSeconds: Math.max(backoff, 600), stopBatch: true };
  }
  if (a.status !== null && a.status >= 400 && a.status < 500) return { outcome: "failed", error: describe(a) };
  return { outcome: "retry", error: describe(a), retryAfterSeconds: backoff, stopBatch: false };
}
