import { expect, test } from "@playwright/test";
import { advanceClock, apiMe, newEmail, pay, startCheckout, subscribeFast, withWebhooksPaused } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

const longDate = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "long" }).format(new Date(iso));

test("cancelling in the portal keeps access until the period end, then locks; the user can subscribe again", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("cancel"));

  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-status")).toHaveText("Active");
  await expect(page.getByTestId("account-renews")).toBeVisible();

  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(/\/portal\//);
  await snap(page, "portal");
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await expect(page.getByTestId("period")).toHaveText(/^Cancels on /);
  await expect(page.getByRole("button", { name: "Don't cancel (resume)" })).toBeVisible();

  await page.locator("#return-link").click();
  await page.waitForURL(`${web}/account`);
  await expect.poll(async () => (await apiMe(page)).entitlement.cancelAt, { timeout: 10_000 }).not.toBeNull();
  const { entitlement } = await apiMe(page);
  expect(entitlement.active).toBe(true);
  // The page was loaded on return, maybe before the webhook landed: it must catch up on its own.
  await expect(page.getByTestId("account-ends-on")).toContainText(`Ends on ${longDate(entitlement.cancelAt ?? "")}`);
  await expect(page.getByTestId("account-renews")).toHaveCount(0);
  await snap(page, "account-ends-on");

  await page.goto(`${web}/library`);
  await expect(page.getByTestId("premium-content")).toBeVisible();

  await advanceClock(40);
  await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 10_000 }).toBe(false);
  // The open library does not listen for changes: a reload shows the new state.
  await page.reload();
  await expect(page.getByTestId("locked-state")).toBeVisible();
  await expect(page.getByTestId("premium-content")).toHaveCount(0);

  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-status")).toHaveText("Canceled");
  await expect(page.getByTestId("account-ends-on")).toHaveCount(0);
  await expect(page.getByTestId("account-renews")).toHaveCount(0);

  // A former subscriber is offered the plans again, not the portal, and can come back.
  await startCheckout(page);
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible();
});

test("back from the portal before the webhook lands, the account page still shows the cancellation", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("early"));
  await page.goto(`${web}/account`);
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(/\/portal\//);
  await withWebhooksPaused(async () => {
    await page.getByRole("button", { name: "Cancel plan" }).click();
    await expect(page.getByTestId("period")).toHaveText(/^Cancels on /);
    await page.locator("#return-link").click();
    await page.waitForURL(`${web}/account`);
    // No webhook has reached the API yet: the page has to ask for the news itself.
    await expect(page.getByTestId("account-ends-on")).toContainText("Ends on ");
    await expect(page.getByTestId("account-renews")).toHaveCount(0);
  });
});
