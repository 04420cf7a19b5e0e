// Issue 19: the worker's email sender in workerd, against the sandbox: the outbox written by a sync,
// sent through the Resend stand-in into the mail inbox by the every-minute cron, once; the
// provider failing → kept and retried, never duplicated; an address the provider refuses →
// recorded, not retried.

import { env } from "cloudflare:test";
import type { Tables } from "@gatehouse/types";
import { afterEach, beforeEach, describe, expect, inject, test } from "vitest";
import { parseEnv } from "../src/env.ts";
import worker from "../src/index.ts";
import { EMAIL_CRON, sendPendingEmails } from "../src/services/send-emails.ts";
import { getServices } from "../src/services/services.ts";
import { executionContext } from "../src/testing/execution-context.ts";
import { adminSelect, createUser, serviceRest, type TestUser, urls } from "./helpers.ts";

interface InboxMail {
  to: string;
  from?: string;
  subject: string;
  html?: string;
  text?: string;
  tags?: Array<{ name: string; value: string }>;
}
type OutboxRow = Pick<
  Tables<"email_outbox">,
  "kind" | "status" | "attempts" | "last_error" | "provider_id" | "sent_at"
>;

async function rpc<T>(fn: string, args: Record<string, unknown>): Promise<T> {
  const res = await serviceRest(`rpc/${fn}`, { method: "POST", body: JSON.stringify(args) });
  if (!res.ok) throw new Error(`${fn}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function resendControl(body: Record<string, unknown>) {
  const res = await fetch(`${urls.supabase}/resend/_sandbox/faults`, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`resend control: ${res.status}`);
}
// Resend's 2 requests/s limit off: these tests send many runs back to back (the sender under the
// limit: packages/sandbox resend-stand-in.test.ts and the fault suite's emails part).
beforeEach(() => resendControl({ failureRate: 0, perSecond: 0 }));
afterEach(() => resendControl({ failureRate: 0, perSecond: 2 }));

async function inboxOf(email: string): Promise<InboxMail[]> {
  const all = (await (await fetch(`${urls.supabase}/inbox.json`)).json()) as InboxMail[];
  return all.filter((m) => m.to === email);
}
async function outboxOf(user: string): Promise<OutboxRow[]> {
  return adminSelect<OutboxRow>(
    "email_outbox",
    `user_id=eq.${user}&select=kind,status,attempts,last_error,provider_id,sent_at&order=id`,
  );
}
/** Makes the user's pending emails due now (the outbox holds new ones back a minute). */
async function makeDue(user: string) {
  const res = await serviceRest(`email_outbox?user_id=eq.${user}&status=eq.pending`, {
    method: "PATCH",
    body: JSON.stringify({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }),
  });
  if (!res.ok) throw new Error(`make due: ${res.status} ${await res.text()}`);
}

/** Makes the user's pending emails due, then runs the sender once (no backoff between attempts). */
async function sendDue(user: string, fetchFn?: typeof fetch) {
  await makeDue(user);
  return sendPendingEmails(getServices(parseEnv(env)), { retryBaseSeconds: 0, ...(fetchFn ? { fetchFn } : {}) });
}

/** One email in the user's inbox, and the outbox row says it went on attempt `attempts`. */
async function expectSentOnce(user: TestUser, attempts: number) {
  expect(await inboxOf(user.email)).toHaveLength(1);
  expect((await outboxOf(user.id))[0]).toMatchObject({ status: "sent", attempts });
}

/** The every-minute cron, waiting for what it hands to waitUntil. */
async function runEmailCron() {
  const { ctx, pending } = executionContext();
  await worker.scheduled({ cron: EMAIL_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, env, ctx);
  await Promise.all(pending);
}

const DAY = 86_400;
/** A subscriber whose renewal just failed (the sync writes payment_failed in its transaction). */
async function failedRenewal(locale: "en" | "fr"): Promise<TestUser & { sub: string }> {
  const user = await createUser();
  await rpc("set_email_preferences", { p_user_id: user.id, p_locale: locale });
  const cus = `cus_mail_${user.id.slice(0, 8)}`;
  const sub = `sub_mail_${user.id.slice(0, 8)}`;
  await rpc("bind_customer", { p_user_id: user.id, p_customer_id: cus });
  const now = Math.floor(Date.now() / 1000);
  const subscription = (status: string) => ({
    id: sub,
    object: "subscription",
    customer: cus,
    status,
    cancel_at: null,
    cancel_at_period_end: false,
    created: now - 40 * DAY,
    metadata: {},
    items: {
      object: "list",
      data: [
        {
          id: `si_${sub}`,
          object: "subscription_item",
          quantity: 1,
          current_period_start: now,
          current_period_end: now + 30 * DAY,
          price: { id: inject("priceMonthly"), object: "price", product: "prod_unknown_here" },
        },
      ],
    },
  });
  await rpc("sync_customer", { p_customer_id: cus, p_subscriptions: [subscription("active")] });
  await rpc("sync_customer", { p_customer_id: cus, p_subscriptions: [subscription("past_due")] });
  return { ...user, sub };
}

describe("the email sender", () => {
  test("sends a payment failure once, in the user's language, through the Resend stand-in into the inbox", async () => {
    const user = await failedRenewal("fr");
    expect((await outboxOf(user.id)).map((r) => [r.kind, r.status])).toEqual([["payment_failed", "pending"]]);
    await makeDue(user.id);
    await runEmailCron();
    await runEmailCron();
    const mails = await inboxOf(user.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.from).toBe("Gatehouse <billing@gatehouse.test>");
    expect(mail?.subject).toMatch(/^Le paiement de .+ a échoué$/);
    expect(mail?.html).toContain('lang="fr"');
    expect(mail?.html).toContain("http://127.0.0.1:5173/account");
    expect(mail?.text).toContain("Mettre à jour le paiement: http://127.0.0.1:5173/account");
    expect(mail?.text).toMatch(/\d+,\d\d\s€/);
    expect(mail?.tags).toEqual([{ name: "kind", value: "payment_failed" }]);
    const [row] = await outboxOf(user.id);
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    expect(row?.provider_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("the provider down: kept with its error, retried later, sent once", async () => {
    const user = await failedRenewal("en");
    await resendControl({ failureRate: 1, failStatus: 500 });
    await sendDue(user.id);
    const [failed] = await outboxOf(user.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed?.last_error).toMatch(/^Resend 500 application_error/);
    expect(await inboxOf(user.email)).toEqual([]);
    await resendControl({ failureRate: 0 });
    await sendDue(user.id);
    await sendDue(user.id);
    await expectSentOnce(user, 2);
  });

  test("a lost answer: the retry carries the same Idempotency-Key and Resend sends nothing twice", async () => {
    const user = await failedRenewal("en");
    // Resend took the email but the answer never came back.
    const lost: typeof fetch = async (input, init) => {
      await fetch(input, init);
      throw new Error("connection reset");
    };
    await sendDue(user.id, lost);
    expect((await outboxOf(user.id))[0]).toMatchObject({ status: "pending", attempts: 1 });
    await sendDue(user.id);
    await expectSentOnce(user, 2);
  });

  test("an address the provider refuses: recorded as failed, never retried", async () => {
    const user = await failedRenewal("en");
    // The real stand-in, handed an address Resend refuses.
    const badAddress: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      return fetch(input, { ...init, body: JSON.stringify({ ...body, to: ["not-an-address"] }) });
    };
    const report = await sendDue(user.id, badAddress);
    expect(report.failed).toBeGreaterThanOrEqual(1);
    const [row] = await outboxOf(user.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row?.last_error).toMatch(/^Resend 422 validation_error: Invalid `to` field/);
    await sendDue(user.id);
    expect((await outboxOf(user.id))[0]).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("POST /api/me/email-preferences", () => {
  test("turns the non-essential emails off for the signed-in user only; a failed payment still goes", async () => {
    const { api } = await import("./helpers.ts");
    const user = await failedRenewal("en");
    const res = await api("/api/me/email-preferences", {
      method: "POST",
      token: user.token,
      json: { lifecycleEmails: false, locale: "fr" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ lifecycleEmails: false, locale: "fr" });
    const bad = await api("/api/me/email-preferences", { method: "POST", token: user.token, json: { locale: "de" } });
    expect(bad.status).toBe(400);
    const anonymous = await api("/api/me/email-preferences", { method: "POST", json: { lifecycleEmails: false } });
    expect(anonymous.status).toBe(401);
    await makeDue(user.id);
    await runEmailCron();
    const [mail] = await inboxOf(user.email);
    expect(mail?.subject).toMatch(/^Le paiement de .+ a échoué$/);
  });
});
