import { expect, test } from "@playwright/test";
import { accessToken, apiMe, newEmail, restSelect, signUp, subscribeFast } from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

test("a second user never sees the first user's content or plan", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("alice"));
  const alice = await apiMe(page);
  expect(alice.entitlement.active).toBe(true);

  const other = await browser.newContext();
  try {
    const bob = await other.newPage();
    const bobEmail = newEmail("bob");
    await signUp(bob, bobEmail);

    await bob.goto(`${web}/library`);
    await expect(bob.getByTestId("locked-state")).toBeVisible();
    await expect(bob.getByTestId("premium-content")).toHaveCount(0);

    await bob.goto(`${web}/account`);
    await expect(bob.getByTestId("account-no-plan")).toBeVisible();
    await expect(bob.getByTestId("account-summary")).toContainText(bobEmail);
    await expect(bob.getByTestId("account-summary")).not.toContainText(alice.user.email ?? "alice-");

    await bob.goto(`${web}/#pricing`);
    await expect(bob.getByTestId("plan-card").first()).toBeVisible();
    await expect(bob.getByTestId("current-plan-badge")).toHaveCount(0);

    // Straight to the database with Bob's token: row level security gives him nothing of Alice's.
    const token = await accessToken(bob);
    expect(await restSelect("entitlements", `select=*&user_id=eq.${alice.user.id}`, token)).toEqual([]);
    expect(await restSelect("entitlements", "select=*", token)).toEqual([]);
    expect(await restSelect("premium_content", "select=slug", token)).toEqual([]);
    // The same queries with Alice's token do return her row and the content (the check can fail).
    const aliceToken = await accessToken(page);
    expect(await restSelect("entitlements", `select=user_id&user_id=eq.${alice.user.id}`, aliceToken)).toHaveLength(1);
    expect((await restSelect("premium_content", "select=slug", aliceToken)).length).toBeGreaterThan(0);
  } finally {
    await other.close();
  }
});
