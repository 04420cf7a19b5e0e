import { expect, type Page, test } from "@playwright/test";
import { newEmail } from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

/** Asks for a magic link on the sign-in page; returns the link as the sandbox inbox shows it. */
async function askForLink(page: Page, email: string): Promise<string> {
  const { web, supabase } = stackInfo().urls;
  await page.goto(`${web}/sign-in?mode=magic-link`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByTestId("magic-link-sent")).toContainText(email);
  // In the sandbox the app says where the mail went.
  await expect(page.getByText(`${supabase}/inbox`)).toBeVisible();
  await page.goto(`${supabase}/inbox`);
  const link = await page
    .locator("li", { hasText: email })
    .first()
    .getByRole("link", { name: "Log in" })
    .getAttribute("href");
  if (!link) throw new Error(`no link for ${email} in the inbox`);
  return link;
}

test("a magic link from the sandbox inbox signs the user in through the PKCE flow", async ({ page }) => {
  const { web, supabase } = stackInfo().urls;
  const email = newEmail("magic");
  await askForLink(page, email);
  // The link hands the browser a one-time ?code=, never a session in the URL.
  const verified = page.waitForResponse((r) => r.url().startsWith(`${supabase}/auth/v1/verify`));
  const exchanged = page.waitForResponse((r) => r.url() === `${supabase}/auth/v1/token?grant_type=pkce`);
  await page.locator("li", { hasText: email }).first().getByRole("link", { name: "Log in" }).click();
  const location = new URL((await verified).headers().location ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(`${web}/auth/callback`);
  expect(location.searchParams.get("code")).toMatch(/^[0-9a-f-]{36}$/);
  expect(location.hash).toBe("");
  expect((await exchanged).status()).toBe(200);
  await page.waitForURL(`${web}/**`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(new URL(page.url()).searchParams.has("code")).toBe(false);
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-summary")).toContainText(email);
});

test("a link opened in another browser says where to open it; used again, it says it was used", async ({
  page,
  browser,
}) => {
  const email = newEmail("magic-elsewhere");
  const link = await askForLink(page, email);

  // Another browser has no code verifier: the code cannot be exchanged there.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto(link);
  await expect(other.getByRole("alert")).toContainText(
    "Open the most recent sign-in link in the browser where you asked for it.",
  );
  await expect(other.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await elsewhere.close();

  // Back in the browser that asked: the link was spent by the first click.
  await page.goto(link);
  await expect(page.getByRole("alert")).toContainText("This sign-in link has expired or was already used.");
  await page.getByRole("link", { name: "Request a new link" }).click();
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
});
