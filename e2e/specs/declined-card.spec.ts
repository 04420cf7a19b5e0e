import { expect, test } from "@playwright/test";
import { apiMe, newEmail, pay, signUp, startCheckout } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

test("a declined card shows the decline on the checkout page and the user stays locked", async ({ page }) => {
  await signUp(page, newEmail("declined"));
  await startCheckout(page);
  await pay(page, "4000 0000 0000 0002");

  // The hosted page stays put and says why.
  await expect(page.locator("#card-errors")).toHaveText(/declined/i);
  expect(page.url()).toMatch(/\/checkout\/cs_/);
  await snap(page, "checkout-declined");

  await page.goto(`${stackInfo().urls.web}/library`);
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await expect(page.getByTestId("premium-content")).toHaveCount(0);

  await page.goto(`${stackInfo().urls.web}/account`);
  await expect(page.getByTestId("account-no-plan")).toBeVisible();
  await expect(page.getByTestId("account-status")).toHaveText("No subscription");

  const me = await apiMe(page);
  expect(me.entitlement.active).toBe(false);
  expect(me.entitlement.status).toBeNull();
});
