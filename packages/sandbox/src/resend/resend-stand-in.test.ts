// The Resend stand-in through the real resend SDK, served by the Supabase stand-in under /resend.
import { randomUUID } from "node:crypto";
import { Resend } from "resend";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SANDBOX_RESEND_API_KEY } from "../keys.ts";
import type { Mail } from "../supabase/mail-inbox.ts";
import { startTestStandIn, type TestStandIn } from "../supabase/test-stand-in.ts";

let sb: TestStandIn;
let resend: Resend;
const FROM = "Gatehouse <billing@gatehouse.example>";

beforeAll(async () => {
  sb = await startTestStandIn();
  resend = new Resend(SANDBOX_RESEND_API_KEY, { baseUrl: `${sb.url}/resend` });
});
afterAll(() => sb?.stop());
beforeEach(async () => {
  await control({ failureRate: 0, perSecond: 0 });
});

async function control(body: Record<string, unknown>) {
  const r = await fetch(`${sb.url}/resend/_sandbox/faults`, { method: "POST", body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  return r.json();
}
async function inboxFor(to: string): Promise<Mail[]> {
  const all = (await (await fetch(`${sb.url}/inbox.json`)).json()) as Mail[];
  return all.filter((m) => m.to === to);
}
const rcpt = () => `r-${randomUUID()}@example.test`;

describe("Resend stand-in", () => {
  test("accepts what the SDK sends and drops it into the inbox, html, text, reply_to and tags kept", async () => {
    const to = rcpt();
    const { data, error } = await resend.emails.send({
      from: FROM,
      to,
      subject: "Your trial ends in 3 days",
      html: "<p>Hello</p>",
      text: "Hello",
      replyTo: "support@gatehouse.example",
      headers: { "X-Entity-Ref-ID": "abc" },
      tags: [{ name: "kind", value: "trial_ending" }],
    });
    expect(error).toBeNull();
    expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
    const [mail] = await inboxFor(to);
    expect(mail).toMatchObject({
      to,
      from: FROM,
      subject: "Your trial ends in 3 days",
      html: "<p>Hello</p>",
      text: "Hello",
      replyTo: ["support@gatehouse.example"],
      tags: [{ name: "kind", value: "trial_ending" }],
      headers: { "X-Entity-Ref-ID": "abc" },
      resendId: data?.id,
    });
    const page = await (await fetch(`${sb.url}/inbox`)).text();
    expect(page).toContain("Your trial ends in 3 days");
  });

  test("the same Idempotency-Key and body answers the first id and sends nothing new; another body is a 409", async () => {
    const to = rcpt();
    const key = `payment_failed:sub_${randomUUID()}`;
    const email = { from: FROM, to, subject: "Payment failed", text: "Fix it" };
    const first = await resend.emails.send(email, { idempotencyKey: key });
    const again = await resend.emails.send(email, { idempotencyKey: key });
    expect(first.error).toBeNull();
    expect(again.data?.id).toBe(first.data?.id);
    expect(await inboxFor(to)).toHaveLength(1);
    const other = await resend.emails.send({ ...email, text: "Other" }, { idempotencyKey: key });
    expect(other.error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
    const tooLong = await resend.emails.send(email, { idempotencyKey: "k".repeat(257) });
    expect(tooLong.error).toMatchObject({ statusCode: 400, name: "invalid_idempotency_key" });
  });

  test("refuses what Resend refuses, in Resend's error shape", async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ to: rcpt(), subject: "s", text: "t" }, 422, "missing_required_field", /Missing `from` field/],
      [{ from: FROM, subject: "s", text: "t" }, 422, "missing_required_field", /Missing `to` field/],
      [{ from: FROM, to: rcpt(), text: "t" }, 422, "missing_required_field", /Missing `subject` field/],
      [
        { from: "not an address", to: rcpt(), subject: "s", text: "t" },
        422,
        "validation_error",
        /Invalid `from` field/,
      ],
      [{ from: FROM, to: "nobody@nowhere", subject: "s", text: "t" }, 422, "validation_error", /Invalid `to` field/],
      [{ from: FROM, to: rcpt(), subject: "s" }, 422, "missing_required_field", /html` or `text/],
      [
        { from: FROM, to: Array.from({ length: 51 }, rcpt), subject: "s", text: "t" },
        422,
        "validation_error",
        /at most 50/,
      ],
      [
        { from: FROM, to: rcpt(), subject: "s", text: "t", tags: [{ name: "bad tag", value: "x" }] },
        422,
        "validation_error",
        /ASCII letters/,
      ],
      [
        { from: FROM, to: rcpt(), subject: "s", text: "t", scheduled_at: "in 1 min" },
        422,
        "validation_error",
        /not modelled/,
      ],
    ];
    for (const [body, status, name, message] of cases) {
      const r = await fetch(`${sb.url}/resend/emails`, {
        method: "POST",
        headers: { Authorization: `Bearer ${SANDBOX_RESEND_API_KEY}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await r.json()) as { statusCode: number; name: string; message: string };
      expect([r.status, json.statusCode, json.name], JSON.stringify(body)).toEqual([status, status, name]);
      expect(json.message).toMatch(message);
    }
  });

  test("no key is a 401 missing_api_key, another key a 403 invalid_api_key", async () => {
    const none = await fetch(`${sb.url}/resend/emails`, { method: "POST", body: "{}" });
    expect(await none.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
    const wrong = await new Resend("re_wrong_key", { baseUrl: `${sb.url}/resend` }).emails.send({
      from: FROM,
      to: rcpt(),
      subject: "s",
      text: "t",
    });
    expect(wrong.error).toMatchObject({ statusCode: 403, name: "invalid_api_key" });
  });

  test("over the per-second limit: 429 rate_limit_exceeded with ratelimit-* and retry-after headers", async () => {
    await control({ perSecond: 2 });
    const results = await Promise.all(
      Array.from({ length: 4 }, () => resend.emails.send({ from: FROM, to: rcpt(), subject: "s", text: "t" })),
    );
    const limited = results.filter((r) => r.error?.name === "rate_limit_exceeded");
    expect(limited.length).toBeGreaterThanOrEqual(2);
    const headers = limited[0]?.headers ?? {};
    expect(headers["ratelimit-limit"]).toBe("2");
    expect(headers["ratelimit-remaining"]).toBe("0");
    expect(Number(headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  test("the fault control fails sends without delivering them, and counts them", async () => {
    await control({ failureRate: 1, failStatus: 500 });
    const to = rcpt();
    const r = await resend.emails.send({ from: FROM, to, subject: "s", text: "t" }, { idempotencyKey: to });
    expect(r.error).toMatchObject({ statusCode: 500, name: "application_error" });
    expect(await inboxFor(to)).toHaveLength(0);
    await control({ failureRate: 0 });
    const ok = await resend.emails.send({ from: FROM, to, subject: "s", text: "t" }, { idempotencyKey: to });
    expect(ok.error).toBeNull();
    expect(await inboxFor(to)).toHaveLength(1);
    const bad = await fetch(`${sb.url}/resend/_sandbox/faults`, { method: "POST", body: '{"failureRate": 2}' });
    expect(bad.status).toBe(400);
  });
});
