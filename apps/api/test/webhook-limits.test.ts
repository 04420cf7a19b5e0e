// Issue 12 items 1 and 3: the webhook's own body limit and its one-timestamp rule.

import Stripe from "stripe";
import { describe, expect, inject, test } from "vitest";
import { adminSelect, api, signedWebhook, stripe } from "./helpers.ts";
import { event, invoice, stripeId } from "./stripe-objects.ts";

const KiB = 1024;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("POST /api/stripe/webhook — size", () => {
  test("accepts a correctly signed 100-line invoice.paid event (well over 16 KiB) and records it", async () => {
    const e = event("invoice.paid", invoice(stripeId("cus"), 100));
    const payload = JSON.stringify(e);
    expect(payload.length).toBeGreaterThan(64 * KiB);
    expect(payload.length).toBeLessThan(512 * KiB);
    const res = await signedWebhook(payload);
    expect(res.status).toBe(200);
    const [row] = await adminSelect<{ type: string; processed_at: string | null }>(
      "stripe_events",
      `id=eq.${e.id}&select=type,processed_at`,
    );
    expect(row?.type).toBe("invoice.paid");
  });

  test("refuses a signed event over 512 KiB with 413", async () => {
    const payload = JSON.stringify(event("invoice.paid", invoice(stripeId("cus"), 400)));
    expect(payload.length).toBeGreaterThan(512 * KiB);
    const res = await signedWebhook(payload);
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe("payload_too_large");
  });

  test("other routes keep the 16 KiB limit", async () => {
    const res = await api("/api/billing/sync", {
      method: "POST",
      body: JSON.stringify({ pad: "x".repeat(17 * KiB) }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });
});

describe("POST /api/stripe/webhook — Stripe-Signature with several timestamps", () => {
  test("refuses a fresh t= followed by a future-dated signed one (the guard and the SDK read different ones)", async () => {
    const payload = JSON.stringify(event("invoice.paid", invoice(stripeId("cus"), 1)));
    const future = Math.floor(Date.now() / 1000) + 3600;
    const signed = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: inject("webhookSecret"),
      timestamp: future,
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    // A fresh t= first (read by the future-timestamp guard), the future signed one last (read by the SDK).
    const header = `t=${Math.floor(Date.now() / 1000)},${signed}`;
    const res = await api("/api/stripe/webhook", {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": header, "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_signature");
  });

  test("refuses two t= values that are both fresh and equal", async () => {
    const payload = JSON.stringify(event("invoice.paid", invoice(stripeId("cus"), 1)));
    const signed = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: inject("webhookSecret"),
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    const t = /t=(\d+)/.exec(signed)?.[1] ?? "0";
    const res = await api("/api/stripe/webhook", {
      method: "POST",
      body: payload,
      headers: { "stripe-signature": `${signed},t=${t}`, "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("invalid_signature");
  });
});
