// The success page's sync sent from its HTML (apps/web/src/features/billing/api/html-sync.ts): an
// inline script in dist/billing/success.html sends POST /api/billing/sync with the session
// supabase-js saved while the entry is still downloading, and the entry adopts that request instead
// of sending its own. The sync asks for the content too (withContent): the API reads it with the
// user's token, so the page makes no content read of its own.
import { expect, test } from "@playwright/test";
import { createCheckout, fillCard, newEmail, signUpApi, useSession } from "../src/flows.ts";
import { holdEntryScript } from "../src/hold-asset.ts";
import { stackInfo } from "../src/stack-info.ts";

test("the sync leaves before the entry has loaded, and the app unlocks with that one sync, which carries the content", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(stackInfo().urls.web);
  const user = await signUpApi(newEmail("htmlsync"));
  await useSession(page, user.json);
  await page.goto(await createCheckout(user.accessToken));
  await fillCard(page);
  // Hold the entry script: whatever is sent meanwhile was sent by the HTML.
  const release = await holdEntryScript(page);
  const syncSent = page.waitForRequest((r) => r.url().endsWith("/api/billing/sync") && r.method() === "POST", {
    timeout: 20_000,
  });
  await page.locator("#submit").click();
  const sync = await syncSent;
  expect(sync.headers().authorization).toBe(`Bearer ${user.accessToken}`);
  expect(new URL(sync.frame().url()).pathname).toBe("/billing/success");
  release();
  await expect(page.getByTestId("premium-content").first()).toBeVisible({ timeout: 20_000 });

  // In the page's own timeline (what the bench reads): the sync started before the entry ran
  // (mark gh:boot), and until the content was painted there was one sync and no content read.
  const timeline = await page.evaluate(() => {
    const painted = performance.getEntriesByName("gh:content-rendered")[0]?.startTime ?? Number.POSITIVE_INFINITY;
    // An OPTIONS answered 204 is the content read's preflight asked for ahead (lib/preflight.ts);
    // Resource Timing names it like the read itself.
    const started = (part: string, preflight: boolean) =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .filter((r) => r.name.includes(part) && r.startTime <= painted && (r.responseStatus === 204) === preflight)
        .map((r) => r.startTime);
    return {
      boot: performance.getEntriesByName("gh:boot")[0]?.startTime ?? null,
      contentAnswered: performance.getEntriesByName("gh:content-answered")[0]?.startTime ?? null,
      syncs: started("/api/billing/sync", false),
      contentPreflights: started("/rest/v1/premium_content", true),
      contentReads: started("/rest/v1/premium_content", false),
    };
  });
  expect(timeline.boot).not.toBeNull();
  expect(timeline.syncs).toHaveLength(1);
  expect(timeline.syncs[0]).toBeLessThan(timeline.boot ?? 0);
  expect(timeline.contentReads).toHaveLength(0);
  expect(timeline.contentAnswered).not.toBeNull();
  // The read's preflight was still asked for with the sync, before the entry ran (for an API without
  // the publishable key, whose answer carries no content).
  expect(timeline.contentPreflights).toHaveLength(1);
  expect(timeline.contentPreflights[0]).toBeLessThan(timeline.boot ?? 0);
  expect(errors).toEqual([]);
});
