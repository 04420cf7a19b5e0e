// Steps a person takes, shared by the specs.
import { expect, type Page } from "@playwright/test";
import { stackInfo } from "./stack-info.ts";

export const PASSWORD = "correct horse battery";

export function newEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
}

export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto(`${stackInfo().urls.web}/sign-in`);
  await page
    .getByRole("link", { name: "Sign up" })
    .or(page.getByRole("tab", { name: "Sign up" }))
    .or(page.getByRole("button", { name: "Sign up" }))
    .first()
    .click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** From the pricing section, subscribe to the monthly plan and land on the hosted checkout page. */
export async function startCheckout(page: Page, interval: "Monthly" | "Yearly" = "Monthly"): Promise<void> {
  await page.goto(`${stackInfo().urls.web}/#pricing`);
  await page.getByRole("radio", { name: interval }).check({ force: true });
  await page
    .getByRole("button", { name: /^Subscribe to/ })
    .first()
    .click();
  await page.waitForURL(/\/checkout\/cs_/);
}

/** Fills the sandbox's hosted checkout form and pays. */
export async function pay(page: Page, card = "4242 4242 4242 4242"): Promise<void> {
  await page.locator("#cardNumber").fill(card);
  await page.locator("#cardExpiry").fill("12 / 34");
  await page.locator("#cardCvc").fill("123");
  await page.locator("#submit").click();
}
