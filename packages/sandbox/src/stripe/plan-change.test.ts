import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { checkout, clockNow, firstItem, itemPeriod, makePlan, switchingPortal, useHarness } from "./test-support.ts";

const DAY = 86_400;
const h = useHarness();

async function advance(seconds: number) {
  const res = await h.control<{ now: number }>("/_sandbox/clock/advance", { seconds });
  expect(res.status).toBe(200);
  return res.body.now;
}
const now = () => clockNow(h);

async function eventTypes(sub: string, since: number): Promise<string[]> {
  const out: Stripe.Event[] = [];
  for await (const e of h.stripe.events.list({ created: { gte: since }, limit: 100 })) {
    const o = e.data.object;
    const id =
      o.object === "subscription"
        ? (o as Stripe.Subscription).id
        : o.object === "invoice"
          ? (o as Stripe.Invoice).parent?.subscription_details?.subscription
          : null;
    if (id === sub) out.push(e);
  }
  return out.reverse().map((e) => e.type);
}

async function tiers() {
  const basicProduct = await h.stripe.products.create({ name: "Basic" });
  const proProduct = await h.stripe.products.create({ name: "Pro" });
  const basic = await makePlan(h.stripe, { product: basicProduct.id, amount: 900 });
  const pro = await makePlan(h.stripe, { product: proProduct.id, amount: 2900 });
  const proYearly = await makePlan(h.stripe, { product: proProduct.id, amount: 29000, interval: "year" });
  const basicYearly = await makePlan(h.stripe, { product: basicProduct.id, amount: 9000, interval: "year" });
  return { basic, pro, proYearly, basicYearly };
}

const item = firstItem;
const period = itemPeriod;
const day = (t: number) => {
  const d = new Date(t * 1000);
  const m = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  return `${String(d.getUTCDate()).padStart(2, "0")} ${m} ${d.getUTCFullYear()}`;
};

describe("invoices.createPreview and prorated upgrades", () => {
  it("previews an always_invoice upgrade with Stripe's proration lines, then invoices exactly that amount", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id, { email: "upgrade@example.com" });
    await advance(10 * DAY + 1234);
    const at = await now();
    const { start, end } = period(subscription);
    const share = (end - at) / (end - start);
    const invoicesBefore = (await h.stripe.invoices.list({ subscription: subscription.id })).data.length;
    const eventsBefore = (await h.stripe.events.list({ limit: 1 })).data[0]?.id;

    const preview = await h.stripe.invoices.createPreview({
      customer: String(subscription.customer),
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item(subscription).id, price: pro.id }],
        proration_behavior: "always_invoice",
        proration_date: at,
      },
    });
    expect(preview.lines.data.map((l) => [l.description, l.amount])).toEqual([
      [`Unused time on Basic after ${day(at)}`, -Math.round(900 * share)],
      [`Remaining time on Pro after ${day(at)}`, Math.round(2900 * share)],
    ]);
    expect(preview.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(true);
    expect(preview.amount_due).toBe(Math.round(2900 * share) - Math.round(900 * share));
    expect(preview).toMatchObject({ object: "invoice", status: "draft", billing_reason: "subscription_update" });
    expect(preview.parent?.subscription_details?.subscription_proration_date).toBe(at);
    // Without a proration_date, the preview says which one it used (now), for the update to reuse.
    const undated = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item(subscription).id, price: pro.id }],
        proration_behavior: "always_invoice",
      },
    });
    const usedDate = undated.parent?.subscription_details?.subscription_proration_date ?? 0;
    expect(usedDate).toBeGreaterThanOrEqual(at);
    expect(usedDate).toBeLessThanOrEqual(await now());
    // Not saved, nothing charged, nothing announced.
    expect((await h.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(invoicesBefore);
    expect((await h.stripe.events.list({ limit: 1 })).data[0]?.id).toBe(eventsBefore);
    await expect(h.stripe.invoices.retrieve(preview.id ?? "")).rejects.toMatchObject({ statusCode: 404 });

    await advance(120); // the confirmation comes a little later, with the same proration_date
    const since = await now();
    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
      proration_date: at,
      expand: ["latest_invoice"],
    });
    expect(item(updated).price.id).toBe(pro.id);
    expect(updated.pending_update).toBeNull();
    expect(period(updated)).toEqual({ start, end });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "paid", billing_reason: "subscription_update" });
    expect(invoice.amount_paid).toBe(preview.amount_due);
    expect(invoice.lines.data.map((l) => [l.description, l.amount])).toEqual(
      preview.lines.data.map((l) => [l.description, l.amount]),
    );
    expect(await eventTypes(subscription.id, since)).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
  });

  it("previews the next invoice with pending prorations for create_prorations, and bills them at renewal", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id);
    await advance(15 * DAY);
    const at = await now();
    const preview = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: item(subscription).id, price: pro.id }], proration_date: at },
    });
    expect(preview.billing_reason).toBe("subscription_cycle");
    expect(preview.lines.data.map((l) => l.description)).toEqual([
      `Unused time on Basic after ${day(at)}`,
      `Remaining time on Pro after ${day(at)}`,
      "1 × Pro",
    ]);
    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_date: at,
    });
    expect(updated.latest_invoice).toBe(subscription.latest_invoice);
    await advance(period(updated).end - (await now()) + 60);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["latest_invoice"] });
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice.lines.data.map((l) => l.description)).toEqual(preview.lines.data.map((l) => l.description));
    expect(invoice.amount_paid).toBe(preview.amount_due);
  });

  it("carries earlier create_prorations lines into the next invoice made at once (preview included)", async () => {
    const { basic, pro } = await tiers();
    const mid = await makePlan(h.stripe, { product: String(pro.product), amount: 1900 });
    const { subscription } = await checkout(h, basic.id);
    await advance(5 * DAY);
    const first = await now();
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: mid.id }],
      proration_date: first,
    });
    await advance(5 * DAY);
    const at = await now();
    const details = {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice" as const,
      proration_date: at,
    };
    const preview = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: details,
    });
    expect(preview.lines.data.map((l) => l.description)).toEqual([
      `Unused time on Basic after ${day(first)}`,
      `Remaining time on Pro after ${day(first)}`,
      `Unused time on Pro after ${day(at)}`,
      `Remaining time on Pro after ${day(at)}`,
    ]);
    const updated = await h.stripe.subscriptions.update(subscription.id, { ...details, expand: ["latest_invoice"] });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice.lines.data.map((l) => [l.description, l.amount])).toEqual(
      preview.lines.data.map((l) => [l.description, l.amount]),
    );
    expect(invoice.amount_paid).toBe(preview.amount_due);
    // Nothing is left for the renewal but the new period.
    const next = await h.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(next.lines.data.map((l) => l.description)).toEqual(["1 × Pro"]);
  });

  it("keeps the old plan with pending_update when the card fails, applies it once the invoice is paid", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id, { card: "4000000000000341" });
    await advance(3 * DAY);
    const since = await now();
    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
      expand: ["latest_invoice"],
    });
    expect(item(updated).price.id).toBe(basic.id);
    expect(updated.status).toBe("active");
    expect(updated.pending_update?.subscription_items?.[0]?.price.id).toBe(pro.id);
    expect(updated.pending_update?.expires_at).toBeGreaterThanOrEqual(since + 23 * 3600);
    expect(updated.pending_update?.expires_at).toBeLessThanOrEqual((await now()) + 23 * 3600);
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", attempted: true });
    expect(await eventTypes(subscription.id, since)).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    // A second change while one is pending is refused.
    await expect(
      h.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item(subscription).id, price: pro.id }],
        payment_behavior: "pending_if_incomplete",
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // Voiding the invoice cancels the pending update; the change can then be tried again.
    await expect(h.stripe.invoices.voidInvoice(invoice.id ?? "")).resolves.toMatchObject({ status: "void" });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).pending_update).toBeNull();
    await expect(h.stripe.invoices.voidInvoice(invoice.id ?? "")).rejects.toMatchObject({ statusCode: 400 });
    const retried = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
      expand: ["latest_invoice"],
    });
    const retryInvoice = retried.latest_invoice as Stripe.Invoice;
    expect(retryInvoice.id).not.toBe(invoice.id);
    // Paying again with the same card fails; after a new card, it pays and the change applies.
    await expect(h.stripe.invoices.pay(retryInvoice.id ?? "")).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(
      (await h.control(`/_sandbox/customers/${String(subscription.customer)}/card`, { card: "4242424242424242" }))
        .status,
    ).toBe(200);
    const paid = await h.stripe.invoices.pay(retryInvoice.id ?? "");
    expect(paid.status).toBe("paid");
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(item(after).price.id).toBe(pro.id);
    expect(after.pending_update).toBeNull();
    const types = await eventTypes(subscription.id, since);
    expect(types.slice(-2)).toEqual(["customer.subscription.updated", "customer.subscription.pending_update_applied"]);
  });

  it("expires an unpaid pending update after 23 hours: invoice voided, old plan kept", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id);
    await h.control(`/_sandbox/customers/${String(subscription.customer)}/card`, { card: "4000000000000002" });
    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
    });
    expect(updated.pending_update).not.toBeNull();
    const since = (await now()) + 1;
    await advance(24 * 3600);
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(after.pending_update).toBeNull();
    expect(item(after).price.id).toBe(basic.id);
    expect((await h.stripe.invoices.retrieve(String(updated.latest_invoice))).status).toBe("void");
    expect(await eventTypes(subscription.id, since)).toEqual([
      "invoice.voided",
      "customer.subscription.updated",
      "customer.subscription.pending_update_expired",
    ]);
  });

  it("answers 402 for error_if_incomplete and changes nothing; allow_incomplete applies and goes past_due", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id, { card: "4000000000000341" });
    const invoices = (await h.stripe.invoices.list({ subscription: subscription.id })).data.length;
    const refused = await h.stripe.subscriptions
      .update(subscription.id, {
        items: [{ id: item(subscription).id, price: pro.id }],
        proration_behavior: "always_invoice",
        payment_behavior: "error_if_incomplete",
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(refused).toMatchObject({ statusCode: 402, code: "card_declined" });
    expect(item(await h.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(basic.id);
    expect((await h.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(invoices);
    const applied = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: pro.id }],
      proration_behavior: "always_invoice",
    });
    expect(item(applied).price.id).toBe(pro.id);
    expect(applied.status).toBe("past_due");
  });

  it("restarts the billing cycle and invoices at once when the interval changes (API and portal)", async () => {
    const { pro, proYearly } = await tiers();
    const { subscription } = await checkout(h, pro.id, { email: "interval@example.com" });
    await advance(5 * DAY);
    const at = await now();
    const preview = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: item(subscription).id, price: proYearly.id }], proration_date: at },
    });
    const { start, end } = period(subscription);
    const credit = -Math.round((2900 * (end - at)) / (end - start));
    expect(preview.lines.data.map((l) => [l.description, l.amount])).toEqual([
      [`Unused time on Pro after ${day(at)}`, credit],
      ["1 × Pro", 29000],
    ]);
    expect(preview.amount_due).toBe(29000 + credit);
    const before = await now();
    const yearly = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item(subscription).id, price: proYearly.id }],
      proration_date: at,
      expand: ["latest_invoice"],
    });
    // The cycle restarts at the moment of the change (the real clock may tick a second meanwhile).
    expect(period(yearly).start).toBeGreaterThanOrEqual(before);
    expect(period(yearly).start).toBeLessThanOrEqual(await now());
    expect(period(yearly).end - period(yearly).start).toBeGreaterThanOrEqual(365 * DAY);
    expect(yearly.billing_cycle_anchor).toBe(period(yearly).start);
    expect((yearly.latest_invoice as Stripe.Invoice).amount_paid).toBe(preview.amount_due);

    // Yearly → monthly in the hosted portal: the cycle restarts, the unused year becomes credit.
    await advance(30 * DAY);
    const switchedFrom = await now();
    const portal = await h.stripe.billingPortal.sessions.create({ customer: String(subscription.customer) });
    const res = await fetch(portal.url, {
      method: "POST",
      body: new URLSearchParams({ action: "switch", subscription: subscription.id, price: pro.id }),
      redirect: "manual",
    });
    expect(res.headers.get("location")).toBe(`/portal/${portal.id}`);
    const monthly = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["latest_invoice"] });
    const switchedAt = period(monthly).start;
    expect(item(monthly).price.id).toBe(pro.id);
    expect(switchedAt).toBeGreaterThanOrEqual(switchedFrom);
    expect(switchedAt).toBeLessThanOrEqual(await now());
    expect(period(monthly).end - switchedAt).toBeLessThanOrEqual(31 * DAY);
    const invoice = monthly.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.amount_due).toBe(0);
    expect(invoice.ending_balance).toBeLessThan(0);
    const customer = await h.stripe.customers.retrieve(String(subscription.customer));
    expect("balance" in customer ? customer.balance : 0).toBe(invoice.ending_balance);
    const renews = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
      new Date(period(monthly).end * 1000),
    );
    expect(await (await fetch(portal.url)).text()).toContain(`Renews on ${renews}`);
  });

  it("keeps the plan and says why (EN and FR) when the portal's upgrade payment is declined", async () => {
    const { basic, basicYearly } = await tiers();
    const { subscription } = await checkout(h, basic.id);
    await h.control(`/_sandbox/customers/${String(subscription.customer)}/card`, { card: "4000000000000002" });
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: String(subscription.customer),
      locale: "fr",
    });
    const res = await fetch(portal.url, {
      method: "POST",
      body: new URLSearchParams({ action: "switch", subscription: subscription.id, price: basicYearly.id }),
      redirect: "manual",
    });
    expect(res.headers.get("location")).toBe(`/portal/${portal.id}?notice=payment_failed`);
    const page = await (await fetch(`${h.standIn.url}${res.headers.get("location")}`)).text();
    expect(page).toContain("Votre carte a été refusée");
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(item(after).price.id).toBe(basic.id);
    expect(after.pending_update?.subscription_items?.[0]?.price.id).toBe(basicYearly.id);
    const en = await h.stripe.billingPortal.sessions.create({ customer: String(subscription.customer) });
    expect(await (await fetch(`${en.url}?notice=payment_failed`)).text()).toContain("Your card was declined");

    // The portal's card update: the declined card is refused, a good one is saved and pays the invoice.
    const updateCard = async (cardNumber: string) => {
      const r = await fetch(en.url, {
        method: "POST",
        body: new URLSearchParams({ action: "card", cardNumber, cardExpiry: "12 / 34", cardCvc: "123" }),
        redirect: "manual",
      });
      return r.headers.get("location");
    };
    expect(await updateCard("4000 0000 0000 0002")).toBe(`/portal/${en.id}?notice=card_declined`);
    expect(await updateCard("4242 4242 4242 4241")).toBe(`/portal/${en.id}?notice=card_incorrect`);
    expect(await updateCard("4242 4242 4242 4242")).toBe(`/portal/${en.id}?notice=card_updated`);
    const page2 = await (await fetch(`${en.url}?notice=card_updated`)).text();
    expect(page2).toContain("Your card was updated");
    expect(page2).toContain("Card ending in 4242");
    await h.stripe.invoices.pay(String(after.latest_invoice));
    expect(item(await h.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(basicYearly.id);
  });

  it("offers the configuration's products in the portal (across tiers) and ignores a forged switch", async () => {
    const { basic, pro } = await tiers();
    const other = await makePlan(h.stripe, { amount: 100 });
    const { subscription } = await checkout(h, basic.id);
    const { portal } = await switchingPortal(h, subscription.customer, { prices: [basic, pro] });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Switch to Pro · €29.00 per month");
    expect(html).not.toContain(other.id);
    const post = (price: string) =>
      fetch(portal.url, {
        method: "POST",
        body: new URLSearchParams({ action: "switch", subscription: subscription.id, price }),
        redirect: "manual",
      });
    await post(other.id);
    expect(item(await h.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(basic.id);
    await post(pro.id);
    const upgraded = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["latest_invoice"] });
    expect(item(upgraded).price.id).toBe(pro.id);
    expect((upgraded.latest_invoice as Stripe.Invoice).billing_reason).toBe("subscription_update");
  });

  it("refuses what it does not model, naming the parameter", async () => {
    const { basic, pro } = await tiers();
    const { subscription } = await checkout(h, basic.id);
    const bad = (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e);
    expect(
      await bad(
        h.stripe.invoices.createPreview({
          subscription: subscription.id,
          subscription_details: { items: [{ id: item(subscription).id, price: pro.id }], trial_end: "now" },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "subscription_details[trial_end]" });
    expect(await bad(h.stripe.invoices.createPreview({ customer: String(subscription.customer) }))).toMatchObject({
      statusCode: 400,
      param: "subscription",
    });
    expect(
      await bad(
        h.stripe.subscriptions.update(subscription.id, {
          items: [{ id: item(subscription).id, price: pro.id }],
          payment_behavior: "pending_if_incomplete",
          metadata: { a: "b" },
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: "metadata" });
    expect(
      await bad(
        h.stripe.subscriptions.update(subscription.id, {
          items: [{ id: item(subscription).id, price: pro.id }],
          proration_behavior: "sometimes" as Stripe.SubscriptionUpdateParams.ProrationBehavior,
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: "proration_behavior" });
    expect(
      await bad(
        h.stripe.subscriptions.update(subscription.id, {
          items: [{ id: item(subscription).id, price: pro.id }],
          proration_date: (await now()) - 90 * DAY,
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: "proration_date" });
  });
});
