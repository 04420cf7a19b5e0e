import { expect, test } from "@playwright/test";
import { newEmail } from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

// The pages a visitor sees before signing in, saved at desktop and phone widths for review
// (test-results/screens/). The signed-in pages are saved by the specs that reach them.
test("the landing page lists the plans and the sign-in page its three methods", async ({ page }) => {
  const { web } = stackInfo().urls;
  await page.goto(web);
  await expect(page.getByTestId("plan-card").first()).toBeVisible();
  await expect(page.getByTestId("plan-price").first()).toHaveText(/\d/);
  await snap(page, "landing");

  await page.goto(`${web}/sign-in`);
  const methods = page.getByRole("navigation", { name: "Sign-in method" });
  await expect(methods.getByRole("link")).toHaveText(["Sign in", "Sign up", "Magic link"]);
  await snap(page, "sign-in");

  // An error the user can act on.
  await page.getByLabel("Email").fill(newEmail("nobody"));
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await snap(page, "sign-in-error");

  await page.goto(`${web}/sign-in?mode=magic-link`);
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
});
