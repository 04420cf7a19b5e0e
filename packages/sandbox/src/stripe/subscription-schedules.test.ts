import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  advanceClockTo,
  checkout,
  firstItem,
  itemPeriod,
  makePlan,
  switchingPortal,
  useHarness,
} from "./test-support.ts";

const DAY = 86_400;
const h = useHarness();

const advanceTo = (t: number) => advanceClockTo(h, t);
const item = firstItem;
const period = itemPeriod;

async function scheduleEvents(schedule: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of h.stripe.events.list({ type: "subscription_schedule.*", limit: 100 }))
    if ((e.data.object as Stripe.SubscriptionSchedule).id === schedule) out.push(e.type);
  return out.reverse();
}

async function tiers() {
  const basic = await h.stripe.products.create({ name: "Basic" });
  const pro = await h.stripe.products.create({ name: "Pro" });
  return {
    basicMonthly: await makePlan(h.stripe, { product: basic.id, amount: 900 }),
    proYearly: await makePlan(h.stripe, { product: pro.id, amount: 29000, interval: "year" }),
    proMonthly: await makePlan(h.stripe, { product: pro.id, amount: 2900 }),
  };
}

async function downgradeAtPeriodEnd(sub: Stripe.Subscription, to: string, existing?: Stripe.SubscriptionSchedule) {
  const schedule = existing ?? (await h.stripe.subscriptionSchedules.create({ from_subscription: sub.id }));
  const first = schedule.phases[0] ?? expect.unreachable("no phase");
  return h.stripe.subscriptionSchedules.update(schedule.id, {
    end_behavior: "release",
    phases: [
      { items: [{ price: item(sub).price.id, quantity: 1 }], start_date: first.start_date, end_date: first.end_date },
      { items: [{ price: to, quantity: 1 }], duration: { interval: "month", interval_count: 1 } },
    ],
  });
}

describe("subscription schedules", () => {
  it("keeps Pro yearly until the period ends, then bills Basic monthly, then releases the schedule", async () => {
    const { basicMonthly, proYearly } = await tiers();
    const { subscription } = await checkout(h, proYearly.id, { email: "sched@example.com" });
    const { end } = period(subscription);
    const created = await h.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    expect(created).toMatchObject({
      object: "subscription_schedule",
      status: "active",
      end_behavior: "release",
      subscription: subscription.id,
      customer: subscription.customer,
      current_phase: { start_date: period(subscription).start, end_date: end },
    });
    expect(created.id).toMatch(/^sub_sched_/);
    expect(created.phases.map((p) => p.items[0]?.price)).toEqual([proYearly.id]);
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).schedule).toBe(created.id);

    const updated = await downgradeAtPeriodEnd(subscription, basicMonthly.id, created);
    expect(updated.phases.map((p) => [p.items[0]?.price, p.start_date])).toEqual([
      [proYearly.id, period(subscription).start],
      [basicMonthly.id, end],
    ]);
    expect(await h.stripe.subscriptionSchedules.retrieve(created.id)).toEqual(updated);
    const listed = await h.stripe.subscriptionSchedules.list({ customer: String(subscription.customer) });
    expect(listed.data.map((s) => s.id)).toEqual([created.id]);
    const expanded = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["schedule"] });
    expect((expanded.schedule as Stripe.SubscriptionSchedule).id).toBe(created.id);

    await advanceTo(end - 60);
    expect(item(await h.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(proYearly.id);

    await advanceTo(end + 60);
    const switched = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["latest_invoice"] });
    expect(item(switched).price.id).toBe(basicMonthly.id);
    expect(switched.status).toBe("active");
    expect(period(switched).start).toBe(end);
    expect(period(switched).end - end).toBeLessThanOrEqual(31 * DAY);
    const invoice = switched.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 900, status: "paid" });
    const during = await h.stripe.subscriptionSchedules.retrieve(created.id);
    expect(during.status).toBe("active");
    expect(during.current_phase?.start_date).toBe(end);
    expect(switched.schedule).toBe(created.id);

    await advanceTo(period(switched).end + 60);
    const released = await h.stripe.subscriptionSchedules.retrieve(created.id);
    expect(released).toMatchObject({ status: "released", subscription: null, released_subscription: subscription.id });
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(after).toMatchObject({ status: "active", schedule: null });
    expect(item(after).price.id).toBe(basicMonthly.id);
    expect(await scheduleEvents(created.id)).toEqual([
      "subscription_schedule.created",
      "subscription_schedule.updated",
      "subscription_schedule.updated",
      "subscription_schedule.released",
    ]);
  });

  it("releases on request (the plan stays) and cancels with its subscription", async () => {
    const { basicMonthly, proYearly } = await tiers();
    const { subscription } = await checkout(h, proYearly.id);
    const schedule = await downgradeAtPeriodEnd(subscription, basicMonthly.id);
    const released = await h.stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({ status: "released", released_subscription: subscription.id });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).schedule).toBeNull();
    await advanceTo(period(subscription).end + 60);
    expect(item(await h.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(proYearly.id);
    await expect(h.stripe.subscriptionSchedules.release(schedule.id)).rejects.toMatchObject({ statusCode: 400 });

    const other = await checkout(h, proYearly.id);
    const s2 = await downgradeAtPeriodEnd(other.subscription, basicMonthly.id);
    const canceled = await h.stripe.subscriptionSchedules.cancel(s2.id);
    expect(canceled.status).toBe("canceled");
    expect((await h.stripe.subscriptions.retrieve(other.subscription.id)).status).toBe("canceled");
    expect(await scheduleEvents(s2.id)).toContain("subscription_schedule.canceled");
  });

  it("is canceled when its subscription is canceled", async () => {
    const { basicMonthly, proYearly } = await tiers();
    const { subscription } = await checkout(h, proYearly.id);
    const schedule = await downgradeAtPeriodEnd(subscription, basicMonthly.id);
    await h.stripe.subscriptions.cancel(subscription.id);
    expect((await h.stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe("canceled");
  });

  it("refuses what it does not model, naming the parameter", async () => {
    const { basicMonthly, proYearly, proMonthly } = await tiers();
    const { subscription } = await checkout(h, proYearly.id);
    const bad = (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e);
    expect(
      await bad(h.stripe.subscriptionSchedules.create({ customer: String(subscription.customer), phases: [] })),
    ).toMatchObject({ statusCode: 400, param: "from_subscription" });
    expect(
      await bad(h.stripe.subscriptionSchedules.create({ from_subscription: subscription.id, end_behavior: "cancel" })),
    ).toMatchObject({ statusCode: 400, param: "end_behavior" });
    const schedule = await h.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    expect(await bad(h.stripe.subscriptionSchedules.create({ from_subscription: subscription.id }))).toMatchObject({
      statusCode: 400,
      param: "from_subscription",
    });
    const start = schedule.phases[0]?.start_date ?? 0;
    expect(
      await bad(
        h.stripe.subscriptionSchedules.update(schedule.id, {
          phases: [{ items: [{ price: proMonthly.id }], start_date: start }, { items: [{ price: basicMonthly.id }] }],
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: "phases[0][items]" });
    expect(
      await bad(
        h.stripe.subscriptionSchedules.update(schedule.id, {
          phases: [{ items: [{ price: proYearly.id }], start_date: start, trial: true }],
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "phases[0][trial]" });
    expect(await bad(h.stripe.subscriptionSchedules.update(schedule.id, { end_behavior: "renew" }))).toMatchObject({
      statusCode: 400,
      param: "end_behavior",
    });
  });

  it("lets the hosted portal schedule a shorter interval at the period end, and keep the plan (EN and FR)", async () => {
    const { proYearly, proMonthly } = await tiers();
    const { subscription } = await checkout(h, proYearly.id);
    const { config, portal } = await switchingPortal(h, subscription.customer, {
      scheduleAtPeriodEnd: ["shortening_interval", "decreasing_item_amount"],
    });
    expect(config.features.subscription_update.schedule_at_period_end?.conditions.map((c) => c.type)).toEqual([
      "shortening_interval",
      "decreasing_item_amount",
    ]);
    const post = (body: Record<string, string>) =>
      fetch(portal.url, { method: "POST", body: new URLSearchParams(body), redirect: "manual" });
    await post({ action: "switch", subscription: subscription.id, price: proMonthly.id });
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(item(after).price.id).toBe(proYearly.id);
    expect(after.latest_invoice).toBe(subscription.latest_invoice);
    const schedule = await h.stripe.subscriptionSchedules.retrieve(String(after.schedule));
    expect(schedule.phases.map((p) => [p.items[0]?.price, p.start_date])).toEqual([
      [proYearly.id, period(subscription).start],
      [proMonthly.id, period(subscription).end],
    ]);
    const on = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
      new Date(period(subscription).end * 1000),
    );
    expect(await (await fetch(portal.url)).text()).toContain(`Changes to Pro · €29.00 per month on ${on}`);
    const fr = await h.stripe.billingPortal.sessions.create({
      customer: String(subscription.customer),
      configuration: config.id,
      locale: "fr",
    });
    const frPage = await (await fetch(fr.url)).text();
    expect(frPage).toContain("Passe à Pro");
    expect(frPage).toContain("Garder mon offre actuelle");
    await post({ action: "keep", subscription: subscription.id });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).schedule).toBeNull();
    expect((await h.stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe("released");
  });
});
