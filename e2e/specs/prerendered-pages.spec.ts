// The pages that paint from their HTML before the JavaScript has run (apps/web/build/prerender-plugin.ts):
// the heading is in the page's HTML in the visitor's language, and React takes over that very node
// (hydration) instead of painting the page again; other paths and queries get no stale shell.
import { expect, type Page, test } from "@playwright/test";
import { stackInfo } from "../src/stack-info.ts";

/** Remembers the <h1> there was when the HTML was parsed (before any module script runs). */
async function rememberParsedHeading(page: Page) {
  await page.addInitScript(() => {
    document.addEventListener("readystatechange", () => {
      if (document.readyState !== "interactive") return;
      const h1 = document.querySelector("h1");
      Object.assign(window, { parsedHeading: h1, parsedHeadingText: h1?.textContent ?? null });
    });
  });
}

const sameHeading = (page: Page) =>
  page.evaluate(() => document.querySelector("h1") === (window as unknown as { parsedHeading: unknown }).parsedHeading);

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the landing, the library and the success page show their first render from the HTML alone", async ({
    page,
  }) => {
    const { web } = stackInfo().urls;
    await page.goto(web);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Learn the craft, unlocked the moment you subscribe.",
    );
    await expect(page.getByRole("heading", { name: "Simple, honest pricing" })).toBeVisible();
    await page.goto(`${web}/library`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Library");
    await page.goto(`${web}/billing/success?session_id=cs_test_prerendered`);
    await expect(page.getByRole("status").getByText("Loading…")).toBeVisible();
  });
});

test.describe("a French browser", () => {
  test.use({ locale: "fr-FR" });
  test("gets the French landing from the HTML, and React keeps its heading", async ({ page }) => {
    const { web } = stackInfo().urls;
    const errors = collectErrors(page);
    await rememberParsedHeading(page);
    await page.goto(web);
    expect(await page.evaluate(() => (window as unknown as { parsedHeadingText: string }).parsedHeadingText)).toBe(
      "Apprenez le métier, débloqué dès que vous vous abonnez.",
    );
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    // The app is live: the plans were read and the session restored (signed out).
    await expect(page.getByTestId("plan-card").first()).toBeVisible();
    await expect(page.getByRole("link", { name: "Se connecter" })).toBeVisible();
    expect(await sameHeading(page)).toBe(true);
    expect(errors).toEqual([]);
  });
});

test.describe("a French browser, before the app's JavaScript has arrived", () => {
  test.use({ locale: "fr-FR" });
  test("picks English on the painted page: the app starts in English, with no hydration error", async ({ page }) => {
    const { web } = stackInfo().urls;
    const errors = collectErrors(page);
    // Hold the entry script until the visitor has used the page painted from the HTML.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(web, { waitUntil: "commit" });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Apprenez le métier, débloqué dès que vous vous abonnez.",
    );
    await page.getByLabel("Langue").selectOption("en");
    release();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Learn the craft, unlocked the moment you subscribe.",
    );
    await expect(page.getByLabel("Language")).toHaveValue("en");
    await expect(page.getByTestId("plan-card").first()).toBeVisible();
    expect(errors).toEqual([]);
  });
});

test("the library's heading is hydrated, not painted twice; a path without a shell renders as before", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  const errors = collectErrors(page);
  await rememberParsedHeading(page);
  await page.goto(`${web}/library`);
  expect(await page.evaluate(() => (window as unknown as { parsedHeadingText: string }).parsedHeadingText)).toBe(
    "Library",
  );
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await expect(page.getByTestId("locked-state")).toBeVisible();
  expect(await sameHeading(page)).toBe(true);

  // index.html answers /account too: the landing's shell must not show there.
  await page.goto(`${web}/account`);
  expect(await page.evaluate(() => (window as unknown as { parsedHeadingText: string | null }).parsedHeadingText)).toBe(
    null,
  );
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  // Back from Checkout without paying: the landing with its note, not the shell without it.
  await page.goto(`${web}/?checkout=canceled`);
  expect(await page.evaluate(() => (window as unknown as { parsedHeadingText: string | null }).parsedHeadingText)).toBe(
    null,
  );
  await expect(page.getByTestId("checkout-canceled")).toBeVisible();
  expect(errors).toEqual([]);
});
