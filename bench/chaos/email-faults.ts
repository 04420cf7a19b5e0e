// Part: lifecycle emails while the provider fails half the time (issue 19). Emails are written into
// the outbox (receipts: always due), the Resend stand-in answers 500 to half the sends for a
// minute (10 s in smoke runs) under its real 2 requests/s limit, and the worker's every-minute
// cron runs every second (wrangler dev --test-scheduled). At the end: every email in the inbox
// exactly once (none lost, none duplicated), every outbox row sent, and the attempts it took.
import { type ChaosContext, createUser, sleep, type TestUser } from "./context.ts";
import { type Figure, figure, type PartResult, partResult } from "./figures.ts";

interface InboxMail {
  to: string;
  subject: string;
  tags?: Array<{ name: string; value: string }>;
}

interface ResendState {
  counts: { accepted: number; replayed: number; refused: number; failedByFault: number; rateLimited: number };
}

async function resend(ctx: ChaosContext, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${ctx.stack.sandbox.urls.supabase}/resend/_sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`resend ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** One run of the worker's email cron (wrangler dev --test-scheduled). */
async function emailCron(ctx: ChaosContext): Promise<void> {
  await fetch(`${ctx.stack.urls.api}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);
}

export async function runEmailFaults(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const notes: string[] = [];
  const n = ctx.smoke ? 10 : 80;
  const faultMs = ctx.smoke ? 10_000 : 60_000;
  const tag = `chaos-email-${Date.now()}`;

  const users: TestUser[] = [];
  for (let i = 0; i < n; i++) users.push(await createUser(ctx, "mail"));
  const before = (await resend(ctx, "state")) as ResendState;
  await resend(ctx, "faults", { failureRate: 0.5, failStatus: 500, perSecond: 2 });
  // What a lifetime purchase's transaction writes (billing.enqueue_email), due at once.
  for (const [i, u] of users.entries()) {
    await ctx.db.query("select billing.enqueue_email($1, 'purchase_receipt', $2, $3)", [
      u.id,
      `${tag}:${i}`,
      JSON.stringify({ productName: "Gatehouse Lifetime", amount: 14_900, currency: "eur", purchasedAt: new Date() }),
    ]);
  }
  await ctx.db.query("update public.email_outbox set next_attempt_at = now() where dedupe_key like $1", [`${tag}:%`]);

  const faultUntil = Date.now() + faultMs;
  let faultsOn = true;
  const deadline = faultUntil + (ctx.smoke ? 90_000 : 180_000);
  let drainedAt: number | null = null;
  try {
    while (Date.now() < deadline) {
      if (faultsOn && Date.now() >= faultUntil) {
        await resend(ctx, "faults", { failureRate: 0 });
        faultsOn = false;
      }
      await emailCron(ctx);
      const { rows } = await ctx.db.query<{ open: string }>(
        "select count(*) filter (where status = 'pending') as open from public.email_outbox where dedupe_key like $1",
        [`${tag}:%`],
      );
      if (!faultsOn && Number(rows[0]?.open ?? 0) === 0) {
        drainedAt = Date.now();
        break;
      }
      await sleep(1_000);
    }
  } finally {
    await resend(ctx, "faults", { failureRate: 0 });
  }

  const { rows } = await ctx.db.query<{ status: string; n: string; max_attempts: number; attempts: string }>(
    `select status, count(*) as n, max(attempts) as max_attempts, sum(attempts) as attempts
     from public.email_outbox where dedupe_key like $1 group by status`,
    [`${tag}:%`],
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const sent = byStatus.sent ?? 0;
  const attempts = rows.reduce((a, r) => a + Number(r.attempts), 0);
  const maxAttempts = rows.reduce((a, r) => Math.max(a, Number(r.max_attempts)), 0);
  const inbox = (await (await fetch(`${ctx.stack.sandbox.urls.supabase}/inbox.json`)).json()) as InboxMail[];
  const emails = new Set(users.map((u) => u.email));
  const perAddress = new Map<string, number>();
  for (const m of inbox) if (emails.has(m.to)) perAddress.set(m.to, (perAddress.get(m.to) ?? 0) + 1);
  const missing = users.filter((u) => !perAddress.has(u.email)).length;
  const duplicated = [...perAddress.values()].filter((c) => c > 1).length;
  const after = (await resend(ctx, "state")) as ResendState;
  const delta = (k: keyof ResendState["counts"]) => after.counts[k] - before.counts[k];
  notes.push(
    `outbox at the end: ${JSON.stringify(byStatus)}; Resend stand-in: ${delta("accepted")} accepted, ${delta("failedByFault")} failed by the fault, ${delta("rateLimited")} rate-limited, ${delta("replayed")} idempotent replays`,
  );
  const figures: Figure[] = [
    figure("email_faults_emails", n, "emails"),
    figure("email_faults_fault_duration", faultMs, "ms", { detail: "the provider failing 50 % of sends (HTTP 500)" }),
    figure("email_faults_lost", missing + (n - sent), "emails", {
      mustBeZero: true,
      detail: "not in the inbox, or not marked sent in the outbox, at the end",
    }),
    figure("email_faults_duplicated", duplicated, "emails", {
      mustBeZero: true,
      detail: "addresses that got it twice",
    }),
    figure("email_faults_provider_failures", delta("failedByFault"), "responses"),
    figure("email_faults_rate_limited", delta("rateLimited"), "responses", { detail: "429s from Resend's 2/s limit" }),
    figure("email_faults_attempts_per_email", n ? Math.round((attempts / n) * 100) / 100 : 0, "attempts", {
      detail: `max ${maxAttempts}`,
    }),
    figure("email_faults_time_to_drain", drainedAt === null ? -1 : drainedAt - faultUntil, "ms", {
      detail: "from the end of the fault until every email was sent (-1: never)",
    }),
  ];
  return partResult("email-faults", started, notes, figures);
}
