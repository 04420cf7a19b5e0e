import { expect, type Page, test } from "@playwright/test";
import {
  accessToken,
  advanceClock,
  apiMe,
  newEmail,
  PASSWORD,
  restSelect,
  sandboxStripe,
  signUpApi,
  subscribeFast,
  subscribeThenFailRenewal,
  useSession,
} from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

const SHOTS = "../docs/screenshots";

/** The Supabase REST API with the secret key (what a root command or psql would do). */
async function asService(path: string, init: RequestInit = {}): Promise<Response> {
  const { urls, keys } = stackInfo();
  return fetch(`${urls.supabase}${path}`, {
    ...init,
    headers: {
      apikey: keys.secret,
      authorization: `Bearer ${keys.secret}`,
      "content-type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/** admin:grant's effect (Auth admin API), then a fresh session in the page so the token carries the role. */
async function becomeAdmin(page: Page, userId: string, email: string): Promise<void> {
  const { urls, keys } = stackInfo();
  const granted = await asService(`/auth/v1/admin/users/${userId}`, {
    method: "PUT",
    body: JSON.stringify({ app_metadata: { role: "admin" } }),
  });
  expect(granted.status).toBe(200);
  const res = await fetch(`${urls.supabase}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: keys.publishable, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  await useSession(page, await res.text());
}

const ADMIN_ROUTES: [string, string][] = [
  ["GET", "/api/admin/overview"],
  ["GET", "/api/admin/files"],
  ["GET", "/api/admin/customers"],
  ["GET", "/api/admin/customers/00000000-0000-4000-8000-000000000000"],
  ["POST", "/api/admin/customers/00000000-0000-4000-8000-000000000000/resync"],
  ["POST", "/api/admin/events/evt_1/replay"],
  ["POST", "/api/admin/doctor"],
  ["GET", "/api/admin/doctor/00000000-0000-4000-8000-000000000000"],
];

test("the account page explains itself: history with causes and the sentence after checkout, cancel and resume (EN and FR)", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { web } = stackInfo().urls;
  await subscribeFast(page, newEmail("story"));
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("access-sentence")).toHaveText(/^Your .*plan renews on .+ \(.+\)\.$/);
  const history = page.getByTestId("access-history");
  await expect(history.getByRole("listitem").last()).toContainText("Access granted");

  const token = await accessToken(page);
  const [sub] = (await restSelect("subscriptions", "select=id", token)) as { id: string }[];
  if (!sub) throw new Error("no subscription row");
  const stripe = sandboxStripe({ maxNetworkRetries: 0 });
  await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
  await expect.poll(async () => (await apiMe(page)).entitlement.cancelAt, { timeout: 15_000 }).not.toBeNull();
  await page.reload();
  await expect(page.getByTestId("access-sentence")).toHaveText(/^You cancelled on .+; your access ends on .+\.$/);
  await expect(history.getByRole("listitem").first()).toContainText("Cancellation scheduled");
  // The cause is the event whose sync found the change: the sync re-reads Stripe, so on a fast
  // machine the consumer's sync for the earlier customer.subscription.created can already see the
  // cancellation (and the later .updated then changes nothing).
  await expect(history.getByRole("listitem").first()).toContainText(
    /Stripe event customer\.subscription\.(updated|created)/,
  );
  await page.screenshot({ path: `${SHOTS}/account-history-cancelled.png`, fullPage: true });

  await page.getByLabel("Language").selectOption("fr");
  await expect(page.getByTestId("access-sentence")).toHaveText(
    /^Vous avez résilié le .+ ; votre accès prend fin le .+\.$/,
  );
  await expect(history.getByRole("listitem").first()).toContainText("Résiliation programmée");
  await page.getByLabel("Langue").selectOption("en");

  await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
  await expect.poll(async () => (await apiMe(page)).entitlement.cancelAt, { timeout: 15_000 }).toBeNull();
  await page.reload();
  await expect(page.getByTestId("access-sentence")).toHaveText(/plan renews on/);
  await expect(history.getByRole("listitem").first()).toContainText("Cancellation withdrawn");
  const rows = (await restSelect("entitlement_changes", "select=cause&order=id", token)) as { cause: string }[];
  const [cancelled, withdrawn] = rows.map((r) => r.cause).slice(-2);
  expect(cancelled).toMatch(/^webhook:customer\.subscription\.(updated|created)$/);
  expect(withdrawn).toBe("webhook:customer.subscription.updated");
});

test("a failed renewal and its recovery: each change in the history with its Stripe event, the sentence follows (EN and FR)", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const { web } = stackInfo().urls;
  await subscribeThenFailRenewal(page, newEmail("recovery"));
  await page.goto(`${web}/account`);
  const sentence = page.getByTestId("access-sentence");
  const latest = page.getByTestId("access-history").getByRole("listitem").first();
  await expect(sentence).toHaveText(/^Your payment of .+ failed on .+; update your card to get your access back\.$/);
  await expect(latest).toContainText("Payment failed");
  await expect(latest).toContainText("Stripe event ");
  await page.screenshot({ path: `${SHOTS}/account-history-payment-failed.png`, fullPage: true });
  await page.getByLabel("Language").selectOption("fr");
  await expect(sentence).toHaveText(
    /^Votre paiement de .+ a échoué le .+ ; mettez à jour votre carte pour retrouver l’accès\.$/,
  );
  await expect(latest).toContainText("Paiement échoué");
  await page.getByLabel("Langue").selectOption("en");

  // The customer fixes the card in the portal; Stripe's next retry charges it.
  await page.getByTestId("account-past-due").getByRole("button", { name: "Fix payment" }).click();
  await page.waitForURL(/\/portal\//);
  await page.locator("#cardNumber").fill("4242 4242 4242 4242");
  await page.locator("#cardExpiry").fill("12 / 34");
  await page.locator("#cardCvc").fill("123");
  await page.locator("#update-card").click();
  await page.locator("#return-link").click();
  await page.waitForURL(`${web}/account`);
  await advanceClock(2);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 15_000 }).toBe("active");
  await page.reload();
  await expect(sentence).toHaveText(/plan renews on/);
  await expect(latest).toContainText("Payment recovered");
  // The portal's card update pays the open invoice at once: the webhook or the account page's own
  // sync on the way back, whichever lands first, records the recovery.
  await expect(latest).toContainText(/Stripe event |synced when you came back from Stripe/);
  const causes = (await restSelect("entitlement_changes", "select=cause&order=id", await accessToken(page))) as {
    cause: string;
  }[];
  expect(causes.length).toBeGreaterThanOrEqual(3);
  expect(causes.every((c) => c.cause.startsWith("webhook:") || c.cause === "checkout_sync")).toBe(true);
});

test("a non-admin gets 403 on every admin route and sees no console", async ({ page }) => {
  const { web, api } = stackInfo().urls;
  await subscribeFast(page, newEmail("plain"));
  const token = await accessToken(page);
  for (const [method, path] of ADMIN_ROUTES) {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    expect([path, res.status]).toEqual([path, 403]);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  }
  await page.goto(`${web}/account`);
  await expect(page.getByRole("link", { name: "Console" })).toHaveCount(0);
  await page.goto(`${web}/admin`);
  await expect(page.getByTestId("admin-forbidden")).toBeVisible();
  await expect(page.getByTestId("customers")).toHaveCount(0);
});

test("an admin finds a customer, replays a failed event, re-syncs, and the doctor finds and repairs a drift", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const { web } = stackInfo().urls;
  // The customer.
  const customerEmail = newEmail("customer");
  await subscribeFast(page, customerEmail);
  const me = await apiMe(page);
  const [bound] = (await (
    await asService(`/rest/v1/customers?user_id=eq.${me.user.id}&select=stripe_customer_id`)
  ).json()) as { stripe_customer_id: string }[];
  if (!bound) throw new Error("no customer row");
  // Every webhook of the checkout delivered and processed first, so no later sync covers the event.
  await fetch(`${stackInfo().urls.stripe}/_sandbox/deliveries/wait`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ timeoutMs: 20_000 }),
  });
  await expect
    .poll(
      async () =>
        (
          (await (
            await asService(
              `/rest/v1/stripe_events?customer_id=eq.${bound.stripe_customer_id}&processed_at=is.null&select=id`,
            )
          ).json()) as unknown[]
        ).length,
      { timeout: 20_000 },
    )
    .toBe(0);
  // One of their ledger events failed (as when the database was down while the consumer ran).
  const ledger = (await (
    await asService(
      `/rest/v1/stripe_events?customer_id=eq.${bound.stripe_customer_id}&select=id,type&order=received_at.desc&limit=1`,
    )
  ).json()) as { id: string; type: string }[];
  const failed = ledger[0];
  if (!failed) throw new Error("no ledger event");
  await asService(`/rest/v1/stripe_events?id=eq.${failed.id}`, {
    method: "PATCH",
    body: JSON.stringify({ processed_at: null, last_error: "supabase is unavailable (simulated)" }),
  });

  // The admin.
  await page.evaluate(() => window.localStorage.clear());
  const adminEmail = newEmail("admin");
  await page.goto(web);
  const admin = await signUpApi(adminEmail);
  const adminId = (JSON.parse(admin.json) as { user: { id: string } }).user.id;
  await becomeAdmin(page, adminId, adminEmail);
  await page.goto(`${web}/admin`);
  await expect(page.getByRole("link", { name: "Console" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // The overview's MRR against Stripe's paying subscriptions, normalised to a month.
  const stripe = sandboxStripe({ maxNetworkRetries: 0 });
  const sums = new Map<string, number>();
  for await (const s of stripe.subscriptions.list({ status: "all", limit: 100 })) {
    if (s.status !== "active" && s.status !== "past_due") continue;
    for (const item of s.items.data) {
      const r = item.price.recurring;
      const per =
        r?.interval === "year" ? 1 / 12 : r?.interval === "week" ? 52 / 12 : r?.interval === "day" ? 365 / 12 : 1;
      const amount = ((item.price.unit_amount ?? 0) * (item.quantity ?? 1) * per) / (r?.interval_count ?? 1);
      sums.set(item.price.currency, (sums.get(item.price.currency) ?? 0) + amount);
    }
  }
  const overview = (await (
    await fetch(`${stackInfo().urls.api}/api/admin/overview`, {
      headers: { authorization: `Bearer ${await accessToken(page)}` },
    })
  ).json()) as { mrr: { currency: string; amount: number }[] };
  expect(overview.mrr).toEqual(
    [...sums].sort().map(([currency, amount]) => ({ currency, amount: Math.round(amount) })),
  );
  for (const [currency, amount] of sums) {
    await expect(page.getByTestId(`mrr-${currency}`)).toContainText(
      new Intl.NumberFormat("en-GB", { style: "currency", currency: currency.toUpperCase() })
        .formatToParts(Math.round(amount) / 100)
        .find((p) => p.type === "integer")?.value ?? "",
    );
  }
  await page.screenshot({ path: `${SHOTS}/admin-overview.png`, fullPage: true });

  // Find the customer.
  await page.getByRole("link", { name: "Customers" }).click();
  await page.getByRole("searchbox", { name: "Search by email or Stripe id" }).fill(customerEmail);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByTestId("customers").getByRole("row")).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/admin-customers.png`, fullPage: true });
  await page.getByRole("link", { name: customerEmail }).click();
  await expect(page.getByRole("heading", { name: customerEmail })).toBeVisible();
  await expect(page.getByTestId("access-sentence")).toHaveText(/plan renews on/);

  // Replay the failed event, with confirmation.
  const eventRow = page.locator(`tr[data-event="${failed.id}"]`);
  await expect(eventRow).toContainText("Failed: supabase is unavailable (simulated)");
  await eventRow.getByRole("button", { name: "Replay" }).click();
  await eventRow.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Event replayed: processed.")).toBeVisible();
  await expect(eventRow).toContainText("Processed");

  // Drift by SQL, then the admin re-syncs: history says admin_resync.
  await asService(`/rest/v1/entitlements?user_id=eq.${me.user.id}`, {
    method: "PATCH",
    body: JSON.stringify({ active: false }),
  });
  await page.getByRole("button", { name: "Re-sync from Stripe" }).click();
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Re-synced from Stripe.")).toBeVisible();
  await expect(page.getByTestId("access-history").getByRole("listitem").first()).toContainText("re-sync by an admin");
  await page.screenshot({ path: `${SHOTS}/admin-customer.png`, fullPage: true });

  // Drift again, found and repaired by the doctor.
  await asService(`/rest/v1/entitlements?user_id=eq.${me.user.id}`, {
    method: "PATCH",
    body: JSON.stringify({ active: false }),
  });
  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByRole("button", { name: "Check and repair" }).click();
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByTestId("doctor-status")).toContainText(/repaired/);
  await expect
    .poll(async () => page.getByTestId("doctor-progress").getAttribute("value"), { timeout: 30_000 })
    .toBe("1");
  const drift = page.getByTestId("doctor-drift").filter({ hasText: bound.stripe_customer_id });
  await expect(drift).toContainText("entitlement.active");
  await page.screenshot({ path: `${SHOTS}/admin-doctor.png`, fullPage: true });
  const history = (await (
    await asService(`/rest/v1/entitlement_changes?user_id=eq.${me.user.id}&select=cause,actor&order=id.desc&limit=1`)
  ).json()) as { cause: string; actor: string }[];
  expect(history[0]).toEqual({ cause: "doctor", actor: adminId });
});
