import { expect, test } from "@playwright/test";
import { CreatedUsers } from "../src/cleanup.ts";
import { apiMe, newEmail, pay, signUp, startCheckout } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

// Also the live lane's main flow (`npm run test:live`, the @live tag): on Stripe's own Checkout page
// and a real Supabase project; the subscriber is removed at the end (customer, subscription, user).
const created = new CreatedUsers();
test.afterAll(async () => {
  await created.removeAll();
});

test("sign up, pay with 4242 and read the premium content without reloading @live", async ({ page }) => {
  await signUp(page, newEmail("buyer"));
  created.add((await apiMe(page)).user.id);
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

test("a signed-out visitor sees the locked library @live", async ({ page }) => {
  await page.goto(`${stackInfo().urls.web}/library`);
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await expect(page.getByTestId("premium-content")).toHaveCount(0);
  await snap(page, "library-locked");
});
