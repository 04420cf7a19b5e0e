import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { advanceClockTo, checkout, makePlan, useHarness } from "./test-support.ts";

const DAY = 86_400;
const h = useHarness();

const advanceTo = (t: number) => advanceClockTo(h, t);
async function typesFor(sub: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of h.stripe.events.list({ limit: 100 })) {
    const o = e.data.object as { object?: string; id?: string; subscription?: unknown; parent?: unknown };
    const invoiceSub =
      o.object === "invoice" ? (e.data.object as Stripe.Invoice).parent?.subscription_details?.subscription : null;
    if ((o.object === "subscription" && o.id === sub) || invoiceSub === sub) out.push(e.type);
  }
  return out.reverse();
}

type MissingPaymentMethod = "cancel" | "pause" | "create_invoice";

async function cardlessTrial(price: string, missing?: MissingPaymentMethod, locale?: "fr") {
  return h.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    customer_email: "trial@example.com",
    payment_method_collection: "if_required",
    subscription_data: {
      trial_period_days: 7,
      ...(missing ? { trial_settings: { end_behavior: { missing_payment_method: missing } } } : {}),
    },
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
    ...(locale ? { locale } : {}),
  });
}

async function completeWithoutCard(session: string): Promise<Stripe.Subscription> {
  const done = await h.control<{ subscription: string }>(`/_sandbox/checkout/sessions/${session}/complete`, {
    card: null,
  });
  expect(done.status).toBe(200);
  return h.stripe.subscriptions.retrieve(done.body.subscription);
}

describe("trials", () => {
  it("sends trial_will_end once, three days before trial_end, then charges the card", async () => {
    const price = await makePlan(h.stripe);
    const { subscription } = await checkout(h, price.id, { trialDays: 7 });
    const trialEnd = subscription.trial_end ?? 0;
    await advanceTo(trialEnd - 3 * DAY - 60);
    expect(await typesFor(subscription.id)).not.toContain("customer.subscription.trial_will_end");
    await advanceTo(trialEnd - 3 * DAY + 60);
    const warned = (
      await h.stripe.events.list({ type: "customer.subscription.trial_will_end", limit: 100 })
    ).data.filter((e) => (e.data.object as Stripe.Subscription).id === subscription.id);
    expect(warned).toHaveLength(1);
    // Sent when the clock reaches trial_end - 3 days (a real-clock second may tick while it runs).
    expect(warned[0]?.created).toBeGreaterThanOrEqual(trialEnd - 3 * DAY);
    expect(warned[0]?.created).toBeLessThanOrEqual(trialEnd - 3 * DAY + 1);
    await advanceTo(trialEnd + 60);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    expect((await typesFor(subscription.id)).filter((t) => t === "customer.subscription.trial_will_end")).toHaveLength(
      1,
    );
  });

  it("starts a trial without a card and cancels it at trial end (missing_payment_method: cancel)", async () => {
    const price = await makePlan(h.stripe);
    const session = await cardlessTrial(price.id, "cancel");
    expect(session.payment_method_collection).toBe("if_required");
    const sub = await completeWithoutCard(session.id);
    expect(sub).toMatchObject({
      status: "trialing",
      default_payment_method: null,
      trial_settings: { end_behavior: { missing_payment_method: "cancel" } },
    });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("no_payment_required");
    await advanceTo((sub.trial_end ?? 0) + 60);
    const ended = await h.stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: sub.trial_end });
    const types = await typesFor(sub.id);
    expect(types).toContain("customer.subscription.trial_will_end");
    expect(types.at(-1)).toBe("customer.subscription.deleted");
    const invoices = await h.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.amount_due)).toEqual([0]);
  });

  it("pauses a cardless trial (pause), invoices it (create_invoice, the default), or charges a card added meanwhile", async () => {
    const price = await makePlan(h.stripe);
    const paused = await completeWithoutCard((await cardlessTrial(price.id, "pause")).id);
    const invoiced = await completeWithoutCard((await cardlessTrial(price.id)).id);
    const rescued = await completeWithoutCard((await cardlessTrial(price.id, "cancel")).id);
    expect(invoiced.trial_settings?.end_behavior.missing_payment_method).toBe("create_invoice");
    // The customer adds a card in the portal before the trial ends.
    const portal = await h.stripe.billingPortal.sessions.create({ customer: String(rescued.customer), locale: "fr" });
    expect(await (await fetch(portal.url)).text()).toContain("Aucune carte enregistrée");
    const added = await fetch(portal.url, {
      method: "POST",
      body: new URLSearchParams({
        action: "card",
        cardNumber: "4242424242424242",
        cardExpiry: "12/34",
        cardCvc: "123",
      }),
      redirect: "manual",
    });
    expect(added.headers.get("location")).toBe(`/portal/${portal.id}?notice=card_updated`);
    expect((await h.stripe.subscriptions.retrieve(rescued.id)).default_payment_method).toMatch(/^pm_/);
    await advanceTo(Math.max(paused.trial_end ?? 0, invoiced.trial_end ?? 0, rescued.trial_end ?? 0) + 60);
    expect((await h.stripe.subscriptions.retrieve(paused.id)).status).toBe("paused");
    expect(await typesFor(paused.id)).toContain("customer.subscription.paused");
    expect((await h.stripe.subscriptions.retrieve(invoiced.id)).status).toBe("past_due");
    expect(await typesFor(invoiced.id)).toContain("invoice.payment_failed");
    expect((await h.stripe.subscriptions.retrieve(rescued.id)).status).toBe("active");
  });

  it("lets the hosted page start a cardless trial, and says so in English and French", async () => {
    const price = await makePlan(h.stripe);
    const fr = await cardlessTrial(price.id, "cancel", "fr");
    const frPage = await (await fetch(fr.url ?? "")).text();
    expect(frPage).toContain("Aucune carte n’est nécessaire");
    expect(frPage).not.toMatch(/id="cardNumber"[^>]*required/);
    const session = await cardlessTrial(price.id, "cancel");
    expect(await (await fetch(session.url ?? "")).text()).toContain("No card needed to start your trial");
    const res = await fetch(session.url ?? "", {
      method: "POST",
      body: new URLSearchParams({ email: "trial@example.com", cardNumber: "", cardExpiry: "", cardCvc: "" }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    const sub = await h.stripe.subscriptions.retrieve(String(done.subscription));
    expect(sub).toMatchObject({ status: "trialing", default_payment_method: null });
  });

  it("needs a card when the session does not allow going without, and refuses unknown trial settings", async () => {
    const price = await makePlan(h.stripe);
    const always = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { trial_period_days: 7 },
      success_url: "http://127.0.0.1:5173/ok",
    });
    const refused = await h.control(`/_sandbox/checkout/sessions/${always.id}/complete`, { card: null });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { param: "card" } });
    const noTrial = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      payment_method_collection: "if_required",
      success_url: "http://127.0.0.1:5173/ok",
    });
    expect((await h.control(`/_sandbox/checkout/sessions/${noTrial.id}/complete`, { card: null })).status).toBe(400);
    const bad = await cardlessTrial(price.id, "explode" as MissingPaymentMethod).catch((e: unknown) => e);
    expect(bad).toMatchObject({
      statusCode: 400,
      param: "subscription_data[trial_settings][end_behavior][missing_payment_method]",
    });
  });
});
