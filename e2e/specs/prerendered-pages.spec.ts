// The pages that paint from their HTML before the JavaScript has run (apps/web/build/prerender-plugin.ts):
// the heading is in the page's HTML in the visitor's language, and React takes over that very node
// (hydration) instead of painting the page again; other paths and queries get no stale shell.
import { expect, type Page, test } from "@playwright/test";
import { newEmail, signUpApi, subscribeFast, useSession } from "../src/flows.ts";
import { holdAsset, holdEntryScript, LANDING_PRICING_CHUNK } from "../src/hold-asset.ts";
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

/** Records whether the library's locked state was ever shown (in the page and not hidden), from the parse of its HTML on. */
async function watchForLockedState(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { sawLockedState: boolean };
    w.sawLockedState = false;
    new MutationObserver(() => {
      const locked = document.querySelector('[data-testid="locked-state"]');
      if (locked && getComputedStyle(locked).visibility !== "hidden") w.sawLockedState = true;
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
}

const sawLockedState = (page: Page) =>
  page.evaluate(() => (window as unknown as { sawLockedState: boolean }).sawLockedState);

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
    await expect(page.getByTestId("locked-state")).toContainText("Subscribe to unlock the library");
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
    const release = await holdEntryScript(page);
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
  test("picks English as React starts hydrating the painted page: the app switches to English", async ({ page }) => {
    const { web } = stackInfo().urls;
    const errors = collectErrors(page);
    // The pick lands right after main.tsx removes data-shell, before React's hydration (in a
    // transition) has committed: the window in which a pick used to be lost.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const root = document.getElementById("root");
        if (!root || root.dataset.shell !== undefined || document.readyState === "loading") return;
        observer.disconnect();
        const select = document.querySelector<HTMLSelectElement>("header select");
        if (!select) return;
        select.value = "en";
        select.dispatchEvent(new Event("input", { bubbles: true }));
        select.dispatchEvent(new Event("change", { bubbles: true }));
        Object.assign(window, { pickedWhileHydrating: true });
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-shell"] });
    });
    await page.goto(web);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { pickedWhileHydrating?: boolean }).pickedWhileHydrating))
      .toBe(true);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Learn the craft, unlocked the moment you subscribe.",
    );
    await expect(page.getByLabel("Language")).toHaveValue("en");
    expect(await page.evaluate(() => window.localStorage.getItem("gatehouse.locale"))).toBe("en");
    expect(errors).toEqual([]);
  });
});

test("a currency picked on the landing's painted pricing while its chunk loads is kept", async ({ page }) => {
  const { web } = stackInfo().urls;
  const errors = collectErrors(page);
  const { release } = await holdAsset(page, LANDING_PRICING_CHUNK);
  await page.goto(web);
  // React runs the page (the header read the session); the pricing is still the painted HTML.
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.locator("#pricing").getByRole("status")).toHaveText("Loading…");
  const picker = page.getByTestId("currency-picker");
  const other = (await picker.inputValue()) === "usd" ? "eur" : "usd";
  await picker.selectOption(other);
  release();
  await expect(page.getByTestId("plan-card").first()).toBeVisible();
  await expect(picker).toHaveValue(other);
  expect(await page.evaluate(() => window.localStorage.getItem("gatehouse.currency"))).toBe(other);
  expect(errors).toEqual([]);
});

test("the landing's pricing loads on its own: the rest of the page is live meanwhile, and its painted HTML is hydrated", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  const errors = collectErrors(page);
  await page.addInitScript(() => {
    document.addEventListener("readystatechange", () => {
      if (document.readyState === "interactive")
        Object.assign(window, { parsedPricingTitle: document.getElementById("pricing-title") });
    });
  });
  const samePricingTitle = () =>
    page.evaluate(
      () =>
        document.getElementById("pricing-title") ===
        (window as unknown as { parsedPricingTitle: unknown }).parsedPricingTitle,
    );
  // Hold the pricing's chunk (TanStack Query and the plans) until the rest of the page is live.
  const pricing = await holdAsset(page, LANDING_PRICING_CHUNK);
  await page.goto(web);
  // The header is React's: the session was read (signed out), which the HTML cannot know.
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Simple, honest pricing" })).toBeVisible();
  await expect(page.locator("#pricing").getByRole("status")).toHaveText("Loading…");
  expect(await samePricingTitle()).toBe(true);
  expect(pricing.requests()).toBe(1);
  pricing.release();
  await expect(page.getByTestId("plan-card").first()).toBeVisible();
  expect(await samePricingTitle()).toBe(true);
  expect(errors).toEqual([]);
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

test.describe("the library before the app's JavaScript has arrived", () => {
  test("a visitor gets the locked state from the HTML; React hydrates it and fills in the previews", async ({
    page,
  }) => {
    const { web } = stackInfo().urls;
    const errors = collectErrors(page);
    const release = await holdEntryScript(page);
    await page.goto(`${web}/library`, { waitUntil: "commit" });
    const locked = page.getByTestId("locked-state");
    await expect(locked).toContainText("Subscribe to unlock the library");
    await locked.evaluate((node) => Object.assign(window, { paintedLockedState: node }));
    release();
    await expect(page.getByTestId("locked-rows")).toBeVisible();
    await expect(locked.getByRole("link", { name: "Sign in" })).toBeVisible();
    expect(
      await locked.evaluate(
        (node) => node === (window as unknown as { paintedLockedState: unknown }).paintedLockedState,
      ),
    ).toBe(true);
    expect(errors).toEqual([]);
  });

  test("a browser holding a session gets the skeleton, then the page for that user", async ({ page }) => {
    const { web } = stackInfo().urls;
    const errors = collectErrors(page);
    const user = await signUpApi(newEmail("shell"));
    await page.goto(web);
    await useSession(page, user.json);
    await watchForLockedState(page);
    const release = await holdEntryScript(page);
    await page.goto(`${web}/library`, { waitUntil: "commit" });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Library");
    await expect(page.getByRole("status").getByText("Loading…").first()).toBeAttached();
    expect(await sawLockedState(page)).toBe(false);
    release();
    // Signed in without a plan: the locked state, without the invitation to sign in.
    await expect(page.getByTestId("locked-state")).toBeVisible();
    await expect(page.getByTestId("locked-state").getByRole("link", { name: "Sign in" })).toHaveCount(0);
    expect(errors).toEqual([]);
  });
});

test("a subscriber's library never shows the locked state, not even for a frame", async ({ page }) => {
  test.setTimeout(90_000);
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("shell-sub"));
  await watchForLockedState(page);
  await page.goto(`${web}/library`);
  await expect(page.getByTestId("premium-content")).toBeVisible();
  expect(await sawLockedState(page)).toBe(false);
});

test("the visitor's render in the library's HTML is hidden from a browser holding a session until the shell script swaps it", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  await holdEntryScript(page);
  // The page as a browser would paint it before the inline shell script has run (mid-parse).
  await page.route(`${web}/library`, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(
      /(id="gh-shell-fr-session">[\s\S]*?<\/script>)<script>[\s\S]*?<\/script>/,
      "$1",
    );
    await route.fulfill({ response, body: html });
  });
  await page.goto(`${web}/library`, { waitUntil: "commit" });
  await expect(page.getByTestId("locked-state")).toBeVisible();
  const user = await signUpApi(newEmail("mark"));
  await useSession(page, user.json);
  await page.goto(`${web}/library`, { waitUntil: "commit" });
  // Parsed, but not shown: the whole visitor's render is hidden until the swap.
  await expect(page.locator("h1")).toHaveText("Library");
  await expect(page.getByTestId("locked-state")).toBeAttached();
  await expect(page.getByTestId("locked-state")).toBeHidden();
});
