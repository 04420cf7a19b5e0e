// Tiers, plan changes and trials in Chromium against the whole stack (issue 14).
import { expect, type Page, test } from "@playwright/test";
import {
  accessToken,
  advanceClock,
  fillCard,
  newEmail,
  pay,
  signUpApi,
  subscribeFast,
  useSession,
} from "../src/flows.ts";
import { DESKTOP, PHONE } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

const PRO_ROW = "Check features, not plans";
const BASIC_ROW = "Webhooks arrive at least once";

/** Saves `docs/screenshots/<name>-desktop.png` and `-phone.png` (viewport, so an open dialog shows). */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [label, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `../docs/screenshots/${name}-${label}.png`, animations: "disabled" });
  }
  await page.setViewportSize(DESKTOP);
}

interface MeBody {
  entitlement: {
    active: boolean;
    status: string | null;
    priceId: string | null;
    features: string[];
    trialEnd: string | null;
    scheduledChange: { priceId: string; at: string } | null;
  };
  trialEligible: boolean;
}

async function me(page: Page): Promise<MeBody> {
  const res = await fetch(`${stackInfo().urls.api}/api/me`, {
    headers: { authorization: `Bearer ${await accessToken(page)}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as MeBody;
}

async function api(page: Page, path: string, body: unknown): Promise<Response> {
  return fetch(`${stackInfo().urls.api}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await accessToken(page)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The Stripe invoices of the page user's customer (the stand-in's API, with the sandbox key). */
async function invoicesOf(page: Page): Promise<Array<{ amount_paid: number; billing_reason: string; status: string }>> {
  const { urls, keys } = stackInfo();
  const claims = (await accessToken(page)).split(".")[1] ?? "";
  const { sub: userId } = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { sub: string };
  const cus = await fetch(`${urls.supabase}/rest/v1/customers?user_id=eq.${userId}&select=stripe_customer_id`, {
    headers: { apikey: keys.secret, authorization: `Bearer ${keys.secret}` },
  });
  const [row] = (await cus.json()) as Array<{ stripe_customer_id: string }>;
  const res = await fetch(`${urls.stripe}/v1/invoices?customer=${row?.stripe_customer_id}&limit=100`, {
    headers: { authorization: `Bearer ${keys.stripe}` },
  });
  return ((await res.json()) as { data: Array<{ amount_paid: number; billing_reason: string; status: string }> }).data;
}

/** A signed-in page (account from the auth API) at the hosted checkout of `priceId`. */
async function checkoutOf(page: Page, email: string, priceId: string): Promise<void> {
  const user = await signUpApi(email);
  await page.goto(stackInfo().urls.web);
  await useSession(page, user.json);
  const res = await fetch(`${stackInfo().urls.api}/api/checkout`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ priceId }),
  });
  expect(res.status).toBe(200);
  await page.goto(((await res.json()) as { url: string }).url);
}

const planCard = (page: Page, name: string) => page.getByTestId("plan-card").filter({ hasText: name });

test("Basic monthly → Pro monthly: the preview is the invoice paid, and Pro unlocks in the same tab", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("upgrade"));
  await page.goto(`${web}/#pricing`);
  await expect(planCard(page, "Gatehouse Basic").getByTestId("current-plan-badge")).toBeVisible();
  await expect(planCard(page, "Gatehouse Pro").getByTestId("plan-features")).toContainText("Advanced lessons");
  await page.evaluate(() => {
    (window as unknown as { sameTab: boolean }).sameTab = true;
  });
  await shoot(page, "pricing-tiers-en");

  const previewAnswer = page.waitForResponse((r) => r.url().endsWith("/api/billing/change-plan/preview"));
  await planCard(page, "Gatehouse Pro").getByTestId("plan-upgrade").click();
  const preview = (await (await previewAnswer).json()) as { amountDue: number; effective: string };
  const dialog = page.getByTestId("plan-change-dialog");
  await expect(dialog.getByTestId("plan-change-amount")).toHaveText(/\d/);
  expect(preview.effective).toBe("now");
  await shoot(page, "plan-change-dialog-en");

  await dialog.getByTestId("plan-change-confirm").click();
  await expect(dialog.getByTestId("plan-change-done")).toBeVisible({ timeout: 15_000 });
  const update = (await invoicesOf(page)).filter((i) => i.billing_reason === "subscription_update");
  expect(update).toHaveLength(1);
  expect(update[0]?.status).toBe("paid");
  expect(update[0]?.amount_paid).toBe(preview.amountDue);
  const amounts = `preview ${preview.amountDue} = invoice paid ${update[0]?.amount_paid} (EUR cents)`;
  test.info().annotations.push({ type: "amounts", description: amounts });
  console.log(`[plans] upgrade Basic monthly → Pro monthly: ${amounts}`);

  await dialog.getByRole("link", { name: "Open the library" }).click();
  await expect(page.getByRole("heading", { level: 2, name: PRO_ROW })).toBeVisible();
  await expect(page.getByTestId("locked-rows")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { sameTab?: boolean }).sameTab)).toBe(true);
});

test("a plan changed elsewhere unlocks the Pro rows of the open library over Realtime, without a reload", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("realtime-upgrade"));
  await page.getByRole("link", { name: "Library" }).first().click();
  await expect(page.getByTestId("locked-rows")).toContainText(PRO_ROW);
  await page.evaluate(() => {
    (window as unknown as { sameTab: boolean }).sameTab = true;
  });
  // Another tab (here: the API directly) upgrades to Pro.
  expect((await api(page, "/api/billing/change-plan", { priceId: stackInfo().prices.proMonthly })).status).toBe(200);
  await expect(page.getByRole("heading", { level: 2, name: PRO_ROW })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("locked-rows")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { sameTab?: boolean }).sameTab)).toBe(true);
  expect(page.url()).toBe(`${web}/library`);
});

test("Pro yearly → Basic monthly is scheduled: still Pro until the clock passes the period end, then Basic", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  const { prices } = stackInfo();
  await subscribeFast(page, newEmail("downgrade"));
  expect((await api(page, "/api/billing/change-plan", { priceId: prices.proYearly })).status).toBe(200);

  await page.goto(`${web}/#pricing`);
  await page.getByRole("radio", { name: "Monthly" }).check({ force: true });
  await planCard(page, "Gatehouse Basic").getByTestId("plan-downgrade").click();
  const dialog = page.getByTestId("plan-change-dialog");
  await expect(dialog.getByTestId("plan-change-when")).toContainText("Nothing is charged today");
  await dialog.getByTestId("plan-change-confirm").click();
  await expect(dialog.getByTestId("plan-change-done")).toContainText("Scheduled");

  const scheduled = await me(page);
  expect(scheduled.entitlement.priceId).toBe(prices.proYearly);
  expect(scheduled.entitlement.scheduledChange?.priceId).toBe(prices.monthly);
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-scheduled-change")).toContainText("Gatehouse Basic");
  await page.goto(`${web}/library`);
  await expect(page.getByRole("heading", { level: 2, name: PRO_ROW })).toBeVisible();

  await advanceClock(367);
  await expect.poll(async () => (await me(page)).entitlement.priceId, { timeout: 20_000 }).toBe(prices.monthly);
  const after = await me(page);
  expect(after.entitlement.features).toEqual(["library.basic"]);
  expect(after.entitlement.scheduledChange).toBeNull();
  await page.goto(`${web}/library`);
  await expect(page.getByRole("heading", { name: BASIC_ROW })).toBeVisible();
  await expect(page.getByTestId("locked-rows")).toContainText("Unlocks with Gatehouse Pro");
});

test("a declined upgrade leaves Basic and offers to update the card", async ({ page }) => {
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("declined-upgrade"), "4000 0000 0000 0341");
  await page.goto(`${web}/#pricing`);
  await planCard(page, "Gatehouse Pro").getByTestId("plan-upgrade").click();
  const dialog = page.getByTestId("plan-change-dialog");
  await dialog.getByTestId("plan-change-confirm").click();
  await expect(dialog.getByTestId("plan-change-error")).toContainText("Your card was declined");
  await expect(dialog.getByRole("button", { name: "Update my card" })).toBeVisible();
  const after = await me(page);
  expect(after.entitlement).toMatchObject({ active: true, priceId: stackInfo().prices.monthly });
  expect(after.entitlement.features).toEqual(["library.basic"]);
});

test("a Pro trial with a card turns paid when the clock passes the trial", async ({ page }) => {
  await checkoutOf(page, newEmail("trial-paid"), stackInfo().prices.proMonthly);
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
  const trial = await me(page);
  expect(trial.entitlement.status).toBe("trialing");
  expect(trial.trialEligible).toBe(false);
  await page.goto(`${stackInfo().urls.web}/account`);
  await expect(page.getByTestId("account-trial")).toContainText("€19");

  await advanceClock(8);
  await expect.poll(async () => (await me(page)).entitlement.status, { timeout: 20_000 }).toBe("active");
  expect((await invoicesOf(page)).some((i) => i.status === "paid" && i.amount_paid === 1900)).toBe(true);
});

test("a trial without a card ends in cancel, and the former trialer gets no second trial", async ({ page }) => {
  const { web } = stackInfo().urls;
  const { prices } = stackInfo();
  await checkoutOf(page, newEmail("trial-nocard"), prices.proMonthly);
  await page.locator("#submit").click();
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
  expect((await me(page)).entitlement.status).toBe("trialing");

  await advanceClock(8);
  await expect.poll(async () => (await me(page)).entitlement.status, { timeout: 20_000 }).toBe("canceled");
  expect((await me(page)).entitlement.active).toBe(false);

  // The pricing page no longer offers a trial, and a new Pro checkout charges at once.
  await page.goto(`${web}/#pricing`);
  await expect(planCard(page, "Gatehouse Pro").getByTestId("plan-price")).toBeVisible();
  await expect(page.getByTestId("plan-trial")).toHaveCount(0);
  const res = await api(page, "/api/checkout", { priceId: prices.proMonthly });
  expect(res.status).toBe(200);
  await page.goto(((await res.json()) as { url: string }).url);
  await fillCard(page);
  await page.locator("#submit").click();
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect.poll(async () => (await me(page)).entitlement.status, { timeout: 20_000 }).toBe("active");
  expect((await me(page)).entitlement.trialEnd).toBeNull();
});

test.describe("in French", () => {
  test.use({ locale: "fr-FR" });
  test("the tiers and the plan-change dialog", async ({ page }) => {
    const { web } = stackInfo().urls;
    await subscribeFast(page, newEmail("fr-plans"));
    await page.goto(`${web}/#pricing`);
    await expect(planCard(page, "Gatehouse Pro").getByTestId("plan-features")).toContainText("Les leçons avancées");
    await shoot(page, "pricing-tiers-fr");
    await planCard(page, "Gatehouse Pro").getByTestId("plan-upgrade").click();
    const dialog = page.getByTestId("plan-change-dialog");
    await expect(dialog.getByTestId("plan-change-amount")).toHaveText(/\d/);
    await expect(dialog).toContainText("À payer maintenant");
    await shoot(page, "plan-change-dialog-fr");
    await dialog.getByRole("button", { name: "Garder mon offre" }).click();
    await expect(dialog).toHaveCount(0);
  });
});

test("a visitor sees the trial on Pro", async ({ page }) => {
  await page.goto(`${stackInfo().urls.web}/#pricing`);
  await expect(planCard(page, "Gatehouse Pro").getByTestId("plan-trial")).toHaveText("7-day free trial");
  await expect(planCard(page, "Gatehouse Basic").getByTestId("plan-trial")).toHaveCount(0);
});
