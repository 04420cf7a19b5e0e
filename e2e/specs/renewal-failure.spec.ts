import { expect, test } from "@playwright/test";
import { advanceClock, apiMe, newEmail, subscribeFast, subscribeThenFailRenewal } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

test("a renewal that fails shows past due and locks, and stays locked after the retries", async ({ page }) => {
  test.setTimeout(120_000);
  const { web } = stackInfo().urls;
  // Past the renewal: the charge fails, the subscription is past due, no grace period by default.
  await subscribeThenFailRenewal(page, newEmail("renewal"));
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-status")).toHaveText("Payment past due");
  await expect(page.getByTestId("account-past-due")).toContainText("Your last payment failed.");
  await expect(page.getByTestId("account-past-due").getByRole("button", { name: "Fix payment" })).toBeVisible();
  await snap(page, "account-past-due");
  await page.goto(`${web}/library`);
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await expect(page.getByTestId("premium-content")).toHaveCount(0);

  // Past the last retry (1, 2 then 4 days later): the subscription ends.
  await advanceClock(10);
  await expect
    .poll(async () => (await apiMe(page)).entitlement.status, { timeout: 10_000 })
    .toMatch(/^(canceled|unpaid)$/);
  expect((await apiMe(page)).entitlement.active).toBe(false);
  await page.reload();
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-status")).toHaveText(/^(Canceled|Unpaid)$/);
  await expect(page.getByTestId("account-renews")).toHaveCount(0);
});

// The API answers 409 already_subscribed while a subscription is past due, so the SPA opens the portal.
test("a past-due user who clicks Subscribe is sent to the portal to fix the payment, not to a second checkout", async ({
  page,
}) => {
  await subscribeFast(page, newEmail("pastdue"), "4000 0000 0000 0341");
  await advanceClock(31);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 10_000 }).toBe("past_due");
  await page.goto(`${stackInfo().urls.web}/#pricing`);
  await page
    .getByRole("button", { name: /^Subscribe to/ })
    .or(page.getByRole("button", { name: "Manage billing" }))
    .first()
    .click();
  await page.waitForURL(/\/(checkout|portal)\//);
  expect(page.url()).toMatch(/\/portal\//);
});
