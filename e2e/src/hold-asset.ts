// Holds a built asset's requests until released: the page as its HTML paints it, or a lazy chunk
// still on its way, for as long as a test needs.
import type { Page } from "@playwright/test";

export interface HeldAsset {
  /** Lets the held requests (and any later one) through. */
  release: () => void;
  /** How many requests for the asset were held so far. */
  requests: () => number;
}

export async function holdAsset(page: Page, url: RegExp): Promise<HeldAsset> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let requests = 0;
  await page.route(url, async (route) => {
    requests += 1;
    await held;
    await route.continue();
  });
  return { release, requests: () => requests };
}

/** The entry script (`/assets/index-<hash>.js`). */
export const ENTRY_SCRIPT = /\/assets\/index-[\w-]+\.js$/;
/** The landing's pricing chunk (TanStack Query and the plans). */
export const LANDING_PRICING_CHUNK = /\/assets\/landing-pricing-[\w-]+\.js$/;

/** Holds the entry script until the returned function is called: the page as its HTML paints it. */
export async function holdEntryScript(page: Page): Promise<() => void> {
  return (await holdAsset(page, ENTRY_SCRIPT)).release;
}
