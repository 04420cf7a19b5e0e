// A subscription billed in one of its price's currency_options (a EUR price sold in USD): every
// amount Stripe computes for it (prorations, previews, renewals, interval changes, the portal's
// switches and schedules) is the option's `unit_amount` in the subscription's currency.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { clockNow, firstItem, itemPeriod, makePlan, switchingPortal, useHarness } from "./test-support.ts";

const DAY = 86_400;
const h = useHarness();
const item = firstItem;
const period = itemPeriod;

async function advance(seconds: number) {
  const res = await h.control<{ now: number }>("/_sandbox/clock/advance", { seconds });
  expect(res.status).toBe(200);
}

/** Basic and Pro in EUR, each with a USD option that is not the EUR amount. */
async function tiers() {
  const basicProduct = await h.stripe.products.create({ name: "Basic" });
  const proProduct = await h.stripe.products.create({ name: "Pro" });
  const price = (product: string, eur: number, usd: number, interval: "month" | "year" = "month") =>
    h.stripe.prices.create({
      product,
      currency: "eur",
      unit_amount: eur,
      recurring: { interval },
      currency_options: { usd: { unit_amount: usd } },
    });
  return {
    basic: await price(basicProduct.id, 900, 1000),
    pro: await price(proProduct.id, 2900, 3300),
    proYearly: await price(proProduct.id, 29000, 33000, "year"),
    eurOnly: await makePlan(h.stripe, { product: proProduct.id, amount: 1900 }),
  };
}

/** A subscription bought through Checkout in USD (`currency: "usd"`). */
async function subscribeInUsd(price: string): Promise<Stripe.Subscription> {
  const session = await h.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    customer_email: "usd-subscriber@example.com",
    currency: "usd",
    success_url: "http://127.0.0.1:5173/billing/success?session_id={CHECKOUT_SESSION_ID}",
  });
  const done = await h.control<{ subscription: string }>(`/_sandbox/checkout/sessions/${session.id}/complete`, {
    card: "4242424242424242",
  });
  expect(done.status).toBe(200);
  const sub = await h.stripe.subscriptions.retrieve(done.body.subscription, { expand: ["latest_invoice"] });
  expect(sub.currency).toBe("usd");
  expect((sub.latest_invoice as Stripe.Invoice).currency).toBe("usd");
  return sub;
}

describe("a subscription billed in its price's currency option", () => {
  it("prorates an upgrade with the USD amounts, previewed and invoiced in USD, and renews at the USD price", async () => {
    const { basic, pro } = await tiers();
    const sub = await subscribeInUsd(basic.id);
    expect((sub.latest_invoice as Stripe.Invoice).amount_paid).toBe(1000);
    await advance(10 * DAY + 1234);
    const at = await clockNow(h);
    const { start, end } = period(sub);
    const share = (end - at) / (end - start);
    const details = {
      items: [{ id: item(sub).id, price: pro.id }],
      proration_behavior: "always_invoice" as const,
      proration_date: at,
    };
    const preview = await h.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: details });
    expect(preview.currency).toBe("usd");
    expect(preview.lines.data.map((l) => [l.amount, l.currency])).toEqual([
      [-Math.round(1000 * share), "usd"],
      [Math.round(3300 * share), "usd"],
    ]);
    const updated = await h.stripe.subscriptions.update(sub.id, { ...details, expand: ["latest_invoice"] });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ currency: "usd", amount_paid: preview.amount_due });
    expect(invoice.amount_paid).toBe(Math.round(3300 * share) - Math.round(1000 * share));

    await advance(end - (await clockNow(h)) + 60);
    const renewed = await h.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(renewed.latest_invoice as Stripe.Invoice).toMatchObject({
      billing_reason: "subscription_cycle",
      currency: "usd",
      amount_paid: 3300,
    });
  });

  it("bills an interval change (new cycle now) at the USD yearly amount, with the credit in USD", async () => {
    const { pro, proYearly } = await tiers();
    const sub = await subscribeInUsd(pro.id);
    await advance(5 * DAY);
    const at = await clockNow(h);
    const { start, end } = period(sub);
    const credit = -Math.round((3300 * (end - at)) / (end - start));
    const preview = await h.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item(sub).id, price: proYearly.id }], proration_date: at },
    });
    expect(preview.lines.data.map((l) => [l.description, l.amount])).toEqual([
      [expect.stringMatching(/^Unused time on Pro after /), credit],
      ["1 × Pro", 33000],
    ]);
    const yearly = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: item(sub).id, price: proYearly.id }],
      proration_date: at,
      expand: ["latest_invoice"],
    });
    expect(yearly.latest_invoice as Stripe.Invoice).toMatchObject({ currency: "usd", amount_paid: 33000 + credit });
  });

  it("refuses a price with no option in the subscription's currency, naming the price and the currency", async () => {
    const { basic, eurOnly } = await tiers();
    const sub = await subscribeInUsd(basic.id);
    const err = await h.stripe.subscriptions
      .update(sub.id, { items: [{ id: item(sub).id, price: eurOnly.id }] })
      .then(() => null)
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(err).toMatchObject({ statusCode: 400, param: "items[0][price]" });
    expect(err?.message).toContain(eurOnly.id);
    expect(err?.message).toContain("usd");
    const schedule = await h.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const bad = await h.stripe.subscriptionSchedules
      .update(schedule.id, {
        phases: [
          {
            items: [{ price: basic.id, quantity: 1 }],
            start_date: item(sub).current_period_start,
            end_date: item(sub).current_period_end,
          },
          { items: [{ price: eurOnly.id, quantity: 1 }] },
        ],
      })
      .then(() => null)
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(bad).toMatchObject({ statusCode: 400, param: "phases[1][items][0][price]" });
  });

  it("offers and schedules the portal's switches by the USD amounts, and bills the downgrade in USD", async () => {
    const { basic, pro } = await tiers();
    const sub = await subscribeInUsd(pro.id);
    const { portal } = await switchingPortal(h, sub.customer, {
      prices: [basic, pro],
      scheduleAtPeriodEnd: ["decreasing_item_amount"],
    });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("$33.00 per month");
    expect(html).toContain("Switch to Basic · $10.00 per month");
    const res = await fetch(portal.url, {
      method: "POST",
      body: new URLSearchParams({ action: "switch", subscription: sub.id, price: basic.id }),
      redirect: "manual",
    });
    expect(res.headers.get("location")).toBe(`/portal/${portal.id}`);
    const scheduled = await h.stripe.subscriptions.retrieve(sub.id);
    expect(item(scheduled).price.id).toBe(pro.id);
    expect(typeof scheduled.schedule).toBe("string");
    await advance(period(scheduled).end - (await clockNow(h)) + 60);
    const after = await h.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(item(after).price.id).toBe(basic.id);
    expect(after.latest_invoice as Stripe.Invoice).toMatchObject({ currency: "usd", amount_paid: 1000 });
  });
});
