import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { createClient } from "@supabase/supabase-js";
import {
  accessToken,
  advanceClock,
  apiMe,
  createCheckout,
  newEmail,
  pay,
  restSelect,
  sandboxStripe,
  signUpApi,
  useSession,
} from "../src/flows.ts";
import { snap } from "../src/screens.ts";
import { stackInfo } from "../src/stack-info.ts";

// Files as the product: the private Storage bucket `downloads`, one folder per feature. The spec
// puts its own files there with the secret key (as `files:upload` does), then buys plans through
// Checkout and downloads through the library page in Chromium.
const tag = randomBytes(4).toString("hex");
const PRO_FILE = { path: `library.pro/e2e-${tag}.zip`, name: `e2e-${tag}.zip` };
const BASIC_FILE = { path: `library.basic/e2e-${tag}.txt`, name: `e2e-${tag}.txt` };
// Big enough that the page shows progress on a throttled connection.
const proBytes = randomBytes(3 * 1024 * 1024);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test.beforeAll(async () => {
  const { urls, keys } = stackInfo();
  const admin = createClient(urls.supabase, keys.secret, { auth: { persistSession: false, autoRefreshToken: false } });
  for (const [file, bytes, type] of [
    [PRO_FILE, proBytes, "application/zip"],
    [BASIC_FILE, Buffer.from(`basic ${tag}`), "text/plain"],
  ] as const) {
    const { error } = await admin.storage
      .from("downloads")
      .upload(file.path, bytes, { contentType: type, upsert: true });
    if (error) throw new Error(`upload ${file.path}: ${error.message}`);
  }
});

/** The active monthly price of the plan whose features include `feature` and, for Basic, not library.pro. */
async function monthlyPriceWith(feature: "library.pro" | "library.basic", token: string): Promise<string> {
  const links = (await restSelect("product_features", "select=product_id,feature", token)) as {
    product_id: string;
    feature: string;
  }[];
  const products = [...new Set(links.filter((l) => l.feature === feature).map((l) => l.product_id))].filter(
    (p) => feature === "library.pro" || !links.some((l) => l.product_id === p && l.feature === "library.pro"),
  );
  const prices = (await restSelect(
    "prices",
    `select=id,product_id,interval&active=eq.true&interval=eq.month&product_id=in.(${products.join(",")})`,
    token,
  )) as { id: string }[];
  const price = prices[0]?.id;
  if (!price) throw new Error(`no monthly price for a plan with ${feature} (catalog: ${JSON.stringify(links)})`);
  return price;
}

/** A new account that pays for the plan with `feature`, then waits for its access on the success page. */
async function subscribeTo(page: Page, feature: "library.pro" | "library.basic"): Promise<void> {
  const { urls } = stackInfo();
  const user = await signUpApi(newEmail(feature.replace(".", "-")));
  await page.goto(urls.web);
  await useSession(page, user.json);
  const priceId = await monthlyPriceWith(feature, user.accessToken);
  await page.goto(await createCheckout(user.accessToken, priceId));
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 15_000 }).toBe(true);
}

const row = (page: Page, path: string) => page.locator(`[data-testid="library-file"][data-path="${path}"]`);

test("a Pro subscriber downloads a file from the library, with progress, and the bytes match", async ({ page }) => {
  test.setTimeout(90_000);
  await subscribeTo(page, "library.pro");
  await page.goto(`${stackInfo().urls.web}/library`);
  const pro = row(page, PRO_FILE.path);
  await expect(pro).toHaveAttribute("data-unlocked", "true");
  await expect(pro).toContainText("ZIP · 3.1\u00a0MB");
  await expect(row(page, BASIC_FILE.path)).toHaveAttribute("data-unlocked", "true");

  // A slow line (about 1 MB/s): the download takes a few seconds and reports its progress.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: 1024 * 1024,
    uploadThroughput: 1024 * 1024,
  });
  const download = page.waitForEvent("download");
  await pro.getByRole("button", { name: `Download ${PRO_FILE.name}` }).click();
  await expect(pro.getByRole("status")).toContainText(/\d+% downloaded/);
  await snap(page, "library-download-progress");
  const file = await download;
  expect(file.suggestedFilename()).toBe(PRO_FILE.name);
  const saved = await file.path();
  expect(sha256(await readFile(saved))).toBe(sha256(proBytes));
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
});

test("a Basic subscriber sees the Pro file locked with the plan that unlocks it, and Storage refuses it", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await subscribeTo(page, "library.basic");
  await page.goto(`${stackInfo().urls.web}/library`);
  await expect(row(page, BASIC_FILE.path)).toHaveAttribute("data-unlocked", "true");
  const pro = row(page, PRO_FILE.path);
  await expect(pro).toHaveAttribute("data-unlocked", "false");
  await expect(pro.getByTestId("file-locked")).toContainText("Included in Gatehouse Pro");
  await expect(pro.getByRole("button")).toHaveCount(0);
  await snap(page, "library-downloads-basic");

  // The database, not the button, decides: asking Storage directly with this session fails too.
  const { urls, keys } = stackInfo();
  const asUser = createClient(urls.supabase, keys.publishable, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { authorization: `Bearer ${await accessToken(page)}` } },
  });
  const signed = await asUser.storage.from("downloads").createSignedUrl(PRO_FILE.path, 60);
  expect(signed.error?.message).toBe("Object not found");
});

test("once a cancellation reaches its end, the open library page refuses the download with a clear message", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { urls } = stackInfo();
  await subscribeTo(page, "library.pro");
  const token = await accessToken(page);
  const [sub] = (await restSelect("subscriptions", "select=id", token)) as { id: string }[];
  if (!sub) throw new Error("no subscription row");
  const stripe = sandboxStripe({ maxNetworkRetries: 0 });
  await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });

  // Access ending while the page is open and Realtime is late or down: without its push the page
  // keeps the row it drew (with Realtime, the library relocks itself, see plans.spec.ts), and the
  // click must meet Storage's refusal with a clear message. A mocked socket that never answers.
  await page.routeWebSocket(/\/realtime\/v1\/websocket/, () => undefined);
  // The page lists the file as unlocked: the cancellation is pending, access lasts until the end.
  await page.goto(`${urls.web}/library`);
  const pro = row(page, PRO_FILE.path);
  await expect(pro).toHaveAttribute("data-unlocked", "true");

  await advanceClock(40);
  await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 15_000 }).toBe(false);
  // Without a reload: the row still offers the download, Storage now refuses to sign it.
  await pro.getByRole("button", { name: `Download ${PRO_FILE.name}` }).click();
  await expect(pro.getByTestId("download-access-ended")).toContainText(
    `Your access to ${PRO_FILE.name} has ended, so it can no longer be downloaded.`,
  );
  await snap(page, "library-download-access-ended");
  await page.reload();
  await expect(row(page, PRO_FILE.path)).toHaveAttribute("data-unlocked", "false");
});
