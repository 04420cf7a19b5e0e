import { expect, test } from "@playwright/test";
import { newEmail } from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

test("a magic link from the sandbox inbox signs the user in", async ({ page }) => {
  const { web, supabase } = stackInfo().urls;
  const email = newEmail("magic");
  await page.goto(`${web}/sign-in?mode=magic-link`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByTestId("magic-link-sent")).toContainText(email);
  // In the sandbox the app says where the mail went.
  await expect(page.getByText(`${supabase}/inbox`)).toBeVisible();

  await page.goto(`${supabase}/inbox`);
  await page.locator("li", { hasText: email }).first().getByRole("link", { name: "Log in" }).click();
  await page.waitForURL(`${web}/**`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-summary")).toContainText(email);
});
