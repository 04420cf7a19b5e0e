// Screenshots of a page as it is now, at desktop and phone widths, into test-results/screens/.
import type { Page } from "@playwright/test";

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Saves `<name>-desktop.png` and `<name>-phone.png` (full page), then restores the viewport. */
export async function snap(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({
      path: `test-results/screens/${name}-${label}.png`,
      fullPage: true,
      animations: "disabled",
    });
  }
  await page.setViewportSize(before);
}
