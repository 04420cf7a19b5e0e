import { expect, test } from "@playwright/test";
import { newEmail, PASSWORD, pay } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

test.use({ locale: "fr-FR" });

test("a French browser gets the app, the hosted checkout and the portal in French", async ({ page }) => {
  const { web } = stackInfo().urls;
  await page.goto(web);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Apprenez le métier, débloqué dès que vous vous abonnez.",
  );
  await expect(page.getByRole("heading", { name: "Des tarifs simples et honnêtes" })).toBeVisible();
  await snap(page, "landing-fr");

  await page.goto(`${web}/sign-in?mode=sign-up`);
  await expect(page.getByRole("heading", { name: "Créez votre compte" })).toBeVisible();
  await page.getByLabel("E-mail").fill(newEmail("fr"));
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Créer le compte" }).click();
  await expect(page.getByRole("button", { name: "Se déconnecter" })).toBeVisible();

  await page.goto(`${web}/#pricing`);
  await page.getByRole("radio", { name: "Mensuel" }).check({ force: true });
  await page
    .getByRole("button", { name: /^S’abonner à/ })
    .first()
    .click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.locator("#submit")).toHaveText("S’abonner");
  await expect(page.getByText("Informations de la carte")).toBeVisible();
  await snap(page, "checkout-fr");

  // Paid from the French checkout: the success page, the account and the portal stay in French.
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByRole("heading", { name: "Votre abonnement est actif" })).toBeVisible();
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-status")).toHaveText("Actif");
  await expect(page.getByTestId("account-renews")).toContainText("Renouvellement le ");
  await page.getByRole("button", { name: "Gérer la facturation" }).click();
  await page.waitForURL(/\/portal\//);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { name: "Gérer votre abonnement" })).toBeVisible();
  await snap(page, "portal-fr");
});

test("switching to English works and is remembered after a reload", async ({ page }) => {
  const { web } = stackInfo().urls;
  await page.goto(web);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await page.getByLabel("Langue").selectOption("en");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Learn the craft, unlocked the moment you subscribe.",
  );
  await expect(page.getByRole("link", { name: "Pricing" })).toBeVisible();

  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Learn the craft, unlocked the moment you subscribe.",
  );
  await expect(page.getByLabel("Language")).toHaveValue("en");
});
