import { expect, test } from "@playwright/test";
import { newEmail, pay, signUp, startCheckout } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

test("sign up, pay with 4242 and read the premium content without reloading", async ({ page }) => {
  await signUp(page, newEmail("buyer"));
  await startCheckout(page);
  await snap(page, "checkout");
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  // A marker on the window survives in-page history updates (React Router's replaceState on start
  // fires "framenavigated" too) but not a reload: it is still there once the content shows.
  await page.evaluate(() => {
    (window as unknown as Record<string, unknown>).__sameDocument = true;
  });
  await expect(page.getByTestId("premium-content")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).__sameDocument)).toBe(true);
  await snap(page, "success");
  await page.goto(`${stackInfo().urls.web}/library`);
  await expect(page.getByTestId("premium-content")).toBeVisible();
  await snap(page, "library-unlocked");
});

test("a signed-out visitor sees the locked library", async ({ page }) => {
  await page.goto(`${stackInfo().urls.web}/library`);
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await expect(page.getByTestId("premium-content")).toHaveCount(0);
  await snap(page, "library-locked");
});
