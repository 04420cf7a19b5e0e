// Lifetime access bought once (issue 16): in USD from an English browser with a US address (no
// tax), in EUR from a French one with a French address (20 % VAT shown before paying and on the
// receipt); unlocked in the same tab; refunds and disputes made on Stripe's side lock it or not;
// a subscriber who buys keeps access and their subscription ends at period end.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { sandboxControl } from "@gatehouse/sandbox/control";
import { expect, type Page, test } from "@playwright/test";
import {
  accessToken,
  apiMe,
  fillCard,
  newEmail,
  restSelect,
  sandboxStripe,
  signUp,
  signUpApi,
  subscribeFast,
  useSession,
} from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "docs", "screenshots");
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: "disabled" });

const stripe = () => sandboxStripe({ maxNetworkRetries: 2 });

const sandbox = (path: string, body: unknown) => sandboxControl(stackInfo().urls.stripe, path, body);

const deliveriesSettle = () => sandbox("deliveries/wait", { timeoutMs: 20_000 });

/** From the pricing page, buy lifetime access and pay on the hosted page with the given country. */
async function buyLifetime(page: Page, country: string, before?: (page: Page) => Promise<void>) {
  await page.goto(`${stackInfo().urls.web}/#pricing`);
  await page.getByTestId("lifetime-card").getByRole("button").click();
  await page.waitForURL(/\/checkout\/cs_/);
  await page.locator("#country").selectOption(country);
  await fillCard(page);
  await page.locator("#line1").fill(country === "FR" ? "1 rue de Rivoli" : "1 Main Street");
  await page.locator("#postalCode").fill(country === "FR" ? "75001" : "10001");
  await page.locator("#city").fill(country === "FR" ? "Paris" : "New York");
  if (before) await before(page);
  await page.locator("#submit").click();
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
}

/** The paid purchase of the page's user, as they read it (RLS). */
async function myPurchase(page: Page) {
  const rows = (await restSelect(
    "purchases",
    "select=id,status,amount,amount_tax,currency,receipt_url",
    await accessToken(page),
  )) as Array<{
    id: string;
    status: string;
    amount: number;
    amount_tax: number;
    currency: string;
    receipt_url: string;
  }>;
  const row = rows[0];
  if (!row) throw new Error("no purchase row");
  return row;
}

async function chargeOf(sessionId: string): Promise<string> {
  const s = stripe();
  const session = await s.checkout.sessions.retrieve(sessionId);
  const intent = await s.paymentIntents.retrieve(String(session.payment_intent));
  return String(intent.latest_charge);
}

test.describe("in English, from the US", () => {
  test.use({ locale: "en-US" });

  test("buys Lifetime in USD without tax, unlocked in the same tab; a partial refund keeps it, a full refund locks it", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await signUp(page, newEmail("lifetime-us"));
    await page.goto(`${stackInfo().urls.web}/#pricing`);
    await expect(page.getByTestId("currency-picker")).toHaveValue("usd");
    await expect(page.getByTestId("lifetime-price")).toHaveText("$329");
    await expect(page.getByTestId("lifetime-card").getByTestId("tax-note")).toHaveText(
      "Plus tax where it applies, shown at checkout",
    );
    await page.getByTestId("lifetime-card").scrollIntoViewIfNeeded();
    await shot(page, "pricing-usd");

    await buyLifetime(page, "US", async (checkout) => {
      await expect(checkout.locator("#tax-label")).toHaveText("Sales tax (0%)");
      await expect(checkout.locator("#total-amount")).toHaveText("$329.00");
    });
    await page.evaluate(() => {
      (window as unknown as Record<string, unknown>).__sameDocument = true;
    });
    await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).__sameDocument)).toBe(true);

    const purchase = await myPurchase(page);
    expect(purchase).toMatchObject({ status: "paid", amount: 32900, amount_tax: 0, currency: "usd" });
    const s = stripe();
    const session = await s.checkout.sessions.retrieve(purchase.id);
    await s.refunds.create({ payment_intent: String(session.payment_intent), amount: 5000 });
    await deliveriesSettle();
    await expect.poll(async () => (await myPurchase(page)).status).toBe("paid");
    expect((await apiMe(page)).entitlement.active).toBe(true);

    await s.refunds.create({ payment_intent: String(session.payment_intent) });
    await deliveriesSettle();
    await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 15_000 }).toBe(false);
    await page.goto(`${stackInfo().urls.web}/library`);
    await expect(page.getByTestId("locked-state")).toBeVisible();
    await page.goto(`${stackInfo().urls.web}/account`);
    await expect(page.getByTestId("purchase-row")).toHaveAttribute("data-status", "refunded");
  });

  test("a lost dispute locks Lifetime, a won one does not", async ({ page }) => {
    test.setTimeout(120_000);
    for (const outcome of ["won", "lost"] as const) {
      await page.context().clearCookies();
      await page.goto(stackInfo().urls.web);
      await page.evaluate(() => window.localStorage.clear());
      await signUp(page, newEmail(`dispute-${outcome}`));
      await buyLifetime(page, "US");
      await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
      const purchase = await myPurchase(page);
      await sandbox(`charges/${await chargeOf(purchase.id)}/dispute`, { outcome });
      await deliveriesSettle();
      await expect
        .poll(async () => (await myPurchase(page)).status, { timeout: 15_000 })
        .toBe(outcome === "won" ? "paid" : "disputed");
      expect((await apiMe(page)).entitlement.active).toBe(outcome === "won");
    }
  });

  test("a subscriber buys Lifetime: access without a gap, the subscription ends at period end", async ({ page }) => {
    test.setTimeout(120_000);
    await subscribeFast(page, newEmail("sub-then-lifetime"));
    await buyLifetime(page, "US");
    await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
    await deliveriesSettle();
    const [sub] = (await restSelect(
      "subscriptions",
      "select=id,cancel_at_period_end",
      await accessToken(page),
    )) as Array<{
      id: string;
      cancel_at_period_end: boolean;
    }>;
    expect(sub?.cancel_at_period_end).toBe(true);
    expect((await stripe().subscriptions.retrieve(sub?.id ?? "")).cancel_at_period_end).toBe(true);
    await page.goto(`${stackInfo().urls.web}/account`);
    await expect(page.getByTestId("account-lifetime")).toContainText("will not renew");
    await expect(page.getByTestId("purchase-row")).toHaveAttribute("data-status", "paid");
    await expect(page.getByTestId("purchase-receipt")).toHaveAttribute("href", /\/receipts\/ch_/);
    expect((await apiMe(page)).entitlement.active).toBe(true);
  });
});

test.describe("en français, depuis la France", () => {
  test.use({ locale: "fr-FR" });

  test("achète Lifetime en EUR avec 20 % de TVA affichée avant de payer et sur le reçu", async ({ page }) => {
    test.setTimeout(120_000);
    // The sign-up form speaks French here: the account comes from the auth API instead.
    const user = await signUpApi(newEmail("lifetime-fr"));
    await page.goto(stackInfo().urls.web);
    await useSession(page, user.json);
    // A new document (not a hash change), so supabase-js reads the session just stored.
    await page.goto(`${stackInfo().urls.web}/account`);
    await expect(page.getByTestId("account-summary")).toBeVisible();
    await page.goto(`${stackInfo().urls.web}/#pricing`);
    await expect(page.getByTestId("currency-picker")).toHaveValue("eur");
    await expect(page.getByTestId("lifetime-price")).toHaveText(/299\s€/);
    await expect(page.getByTestId("lifetime-card").getByTestId("tax-note")).toHaveText("TVA incluse");
    await page.getByTestId("lifetime-card").scrollIntoViewIfNeeded();
    await shot(page, "pricing-eur");

    await buyLifetime(page, "FR", async (checkout) => {
      await expect(checkout.locator("#tax-label")).toHaveText("Dont TVA (20 %)");
      await expect(checkout.locator("#tax-amount")).toHaveText(/49,83\s€/);
      await checkout.locator("#taxId").fill("FR 40 303 265 045");
      await shot(checkout, "checkout-tax-fr");
    });
    await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
    const purchase = await myPurchase(page);
    expect(purchase).toMatchObject({ status: "paid", amount: 29900, amount_tax: 4983, currency: "eur" });
    await page.goto(purchase.receipt_url);
    await expect(page.getByText("TVA (20 %)")).toBeVisible();
    await shot(page, "receipt-fr");

    // The portal (Stripe's, in French) lists the purchase in its invoice history and shows the VAT
    // number entered at Checkout, now one of the customer's tax IDs.
    await page.goto(`${stackInfo().urls.web}/account`);
    await page.getByRole("button", { name: "Gérer la facturation" }).click();
    await page.waitForURL(/\/portal\//);
    const row = page.getByTestId("invoice-row");
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("invoice-amount")).toHaveText(/299,00\s€/);
    await expect(row.getByTestId("invoice-status")).toHaveText("Payée");
    await expect(page.getByTestId("tax-ids")).toContainText("FR40303265045");
    await row.getByTestId("invoice-link").click();
    await expect(page.getByTestId("invoice-total")).toHaveText(/299,00\s€/);
  });
});
