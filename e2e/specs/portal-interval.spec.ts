import { expect, test } from "@playwright/test";
import type Stripe from "stripe";
import {
  apiMe,
  createCheckout,
  newEmail,
  pay,
  sandboxStripe,
  signUpApi,
  subscribeFast,
  useSession,
} from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

const DAY = 86_400_000;
const longDate = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "long" }).format(new Date(iso));

test("switching monthly → yearly in the portal restarts the billing cycle, invoices at once, and the account page shows the new renewal date", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { urls, prices } = stackInfo();
  const stripe = sandboxStripe();
  // The sandbox's own time (earlier specs may have moved its clock).
  const sandboxNow = async () =>
    ((await (await fetch(`${urls.stripe}/_sandbox/clock`)).json()) as { now: number }).now * 1000;
  await subscribeFast(page, newEmail("interval"));
  const before = await apiMe(page);
  const monthlyEnd = Date.parse(before.entitlement.currentPeriodEnd ?? "");
  expect(monthlyEnd - (await sandboxNow())).toBeLessThan(32 * DAY);

  await page.goto(`${urls.web}/account`);
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(/\/portal\//);
  // The yearly price of the same plan: applied now (a longer interval for more money is not scheduled).
  await page.locator(`form:has(input[name="price"][value="${prices.yearly}"]) button`).click();
  await expect(page.getByTestId("period")).toHaveText(/^Renews on /);

  const subscriptionId = await page.locator("[data-subscription]").first().getAttribute("data-subscription");
  const sub = await stripe.subscriptions.retrieve(subscriptionId ?? "", { expand: ["latest_invoice"] });
  expect(sub.items.data[0]?.price.id).toBe(prices.yearly);
  const invoice = sub.latest_invoice as Stripe.Invoice;
  expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
  // Credit for the unused month, then the full year.
  expect(invoice.lines.data.some((l) => l.amount < 0 && l.description?.startsWith("Unused time on "))).toBe(true);
  const periodEnd = sub.items.data[0]?.current_period_end ?? 0;
  expect(periodEnd * 1000 - (await sandboxNow())).toBeGreaterThan(360 * DAY);

  await page.locator("#return-link").click();
  await page.waitForURL(`${urls.web}/account`);
  await expect
    .poll(async () => Date.parse((await apiMe(page)).entitlement.currentPeriodEnd ?? ""), { timeout: 15_000 })
    .toBe(periodEnd * 1000);
  await expect(page.getByTestId("account-renews")).toContainText(longDate(new Date(periodEnd * 1000).toISOString()));
});

test("switching yearly → monthly in the portal is scheduled for the year's end (the portal's shortening_interval condition), and the account page shows the renewal and the switch date", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { urls, prices } = stackInfo();
  const stripe = sandboxStripe();
  const user = await signUpApi(newEmail("interval-down"));
  await page.goto(urls.web);
  await useSession(page, user.json);
  await page.goto(await createCheckout(user.accessToken, prices.yearly));
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
  const yearlyEnd = Date.parse((await apiMe(page)).entitlement.currentPeriodEnd ?? "");

  await page.goto(`${urls.web}/account`);
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(/\/portal\//);
  await page.locator(`form:has(input[name="price"][value="${prices.monthly}"]) button`).click();
  // Stripe keeps the year that was paid for and switches at its end, through a subscription schedule.
  await expect(page.getByTestId("scheduled")).toBeVisible();
  const subscriptionId = await page.locator("[data-subscription]").first().getAttribute("data-subscription");
  const sub = await stripe.subscriptions.retrieve(subscriptionId ?? "");
  expect(sub.items.data[0]?.price.id).toBe(prices.yearly);
  expect((sub.items.data[0]?.current_period_end ?? 0) * 1000).toBe(yearlyEnd);
  expect(sub.schedule).toMatch(/^sub_sched_/);

  await page.locator("#return-link").click();
  await page.waitForURL(`${urls.web}/account`);
  const yearEndText = longDate(new Date(yearlyEnd).toISOString());
  await expect(page.getByTestId("account-renews")).toContainText(yearEndText);
  await expect(page.getByTestId("account-scheduled-change")).toContainText(yearEndText, { timeout: 15_000 });
});
