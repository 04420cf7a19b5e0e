// Issue 19: lifecycle emails end to end, with the sandbox clock. The worker's every-minute cron is
// run by hand (wrangler dev --test-scheduled); new emails wait a minute in the outbox (a transition
// undone within it is never sent), so the test makes them due first. Emails land in the Supabase
// stand-in's inbox through the Resend stand-in.
import { expect, test } from "@playwright/test";
import {
  advanceClock,
  apiMe,
  createCheckout,
  fillCard,
  newEmail,
  pay,
  sandboxStripe,
  signUp,
  signUpApi,
  subscribeFast,
  useSession,
} from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

interface InboxMail {
  to: string;
  subject: string;
  html?: string;
  text?: string;
}

async function inboxOf(email: string): Promise<InboxMail[]> {
  const res = await fetch(`${stackInfo().urls.supabaseDirect}/inbox.json`);
  return ((await res.json()) as InboxMail[]).filter((m) => m.to === email);
}

/** Makes every pending email due, then runs the email cron. */
async function sendDueEmails(): Promise<void> {
  const { urls, keys } = stackInfo();
  const res = await fetch(`${urls.supabaseDirect}/rest/v1/email_outbox?status=eq.pending`, {
    method: "PATCH",
    headers: { apikey: keys.secret, authorization: `Bearer ${keys.secret}`, "content-type": "application/json" },
    body: JSON.stringify({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }),
  });
  if (!res.ok) throw new Error(`outbox: ${res.status} ${await res.text()}`);
  await fetch(`${urls.api}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
}

/** Every event of the customer with this email, delivered again to the webhook, newest first (out of order). */
async function replayEvents(email: string): Promise<number> {
  const { urls, keys } = stackInfo();
  const stripe = sandboxStripe();
  const customer = (await stripe.customers.list({ email, limit: 1 })).data[0]?.id;
  if (!customer) throw new Error(`no Stripe customer for ${email}`);
  let replayed = 0;
  for await (const e of stripe.events.list({ limit: 100 })) {
    const obj = e.data.object as unknown as { customer?: unknown };
    if (obj.customer !== customer) continue;
    const payload = JSON.stringify(e);
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: keys.webhook });
    const res = await fetch(`${urls.api}/api/stripe/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: payload,
    });
    expect(res.status).toBe(200);
    replayed += 1;
  }
  return replayed;
}

async function subjectsArrived(email: string, expected: RegExp[]): Promise<string[]> {
  let subjects: string[] = [];
  await expect
    .poll(
      async () => {
        await sendDueEmails();
        subjects = (await inboxOf(email)).map((m) => m.subject).reverse();
        return expected.every((re) => subjects.some((s) => re.test(s)));
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(true);
  return subjects;
}

test("a failed 0341 renewal emails the payment failure once with the amount and the account link, then the end of access once; replaying every event sends nothing new", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const email = newEmail("mail-renewal");
  await subscribeFast(page, email, "4000 0000 0000 0341");

  await advanceClock(31);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 10_000 }).toBe("past_due");
  await subjectsArrived(email, [/^Your payment for .+ failed$/]);
  const [failure] = await inboxOf(email);
  expect(failure?.text).toMatch(/We could not charge .*\d+\.\d\d/);
  expect(failure?.text).toContain(`Update payment method: ${stackInfo().urls.web}/account`);

  // Past the last retry: the subscription ends.
  await advanceClock(10);
  await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 10_000 }).toBe(false);
  const subjects = await subjectsArrived(email, [/^Your payment for .+ failed$/, /^Your access to .+ has ended$/]);
  expect(subjects).toHaveLength(2);

  // Every event delivered again (newest first), a re-sync from the account page and more cron
  // runs send nothing new.
  expect(await replayEvents(email)).toBeGreaterThan(3);
  await page.goto(`${stackInfo().urls.web}/account`);
  await expect(page.getByTestId("account-emails")).toBeVisible();
  for (let i = 0; i < 3; i++) await sendDueEmails();
  expect((await inboxOf(email)).map((m) => m.subject).reverse()).toEqual(subjects);
});

test("in French: the Pro trial's end 3 days before, the cancellation scheduled in the portal, then the end of access, once each", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const { urls, prices } = stackInfo();
  const email = newEmail("mail-trial");
  const user = await signUpApi(email);
  const prefs = await fetch(`${urls.api}/api/me/email-preferences`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ locale: "fr" }),
  });
  expect(prefs.status).toBe(200);
  await page.goto(urls.web);
  await useSession(page, user.json);
  await page.goto(await createCheckout(user.accessToken, prices.proMonthly));
  await pay(page);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 15_000 }).toBe("trialing");

  // Stripe sends customer.subscription.trial_will_end three days before the 7-day trial ends.
  await advanceClock(4.5);
  await subjectsArrived(email, [/^Votre essai de Gatehouse Pro se termine le /]);
  const [trial] = await inboxOf(email);
  expect(trial?.text).toMatch(/19,00\s€ \/ mois/);

  await page.goto(`${urls.web}/account`);
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(/\/portal\//);
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await expect(page.getByRole("button", { name: "Don't cancel (resume)" })).toBeVisible();
  await page.locator("#return-link").click();
  await expect.poll(async () => (await apiMe(page)).entitlement.cancelAt, { timeout: 10_000 }).not.toBeNull();
  await subjectsArrived(email, [/^Gatehouse Pro prendra fin le /]);

  await advanceClock(40);
  await expect.poll(async () => (await apiMe(page)).entitlement.active, { timeout: 10_000 }).toBe(false);
  const subjects = await subjectsArrived(email, [/^Votre accès à Gatehouse Pro a pris fin$/]);
  expect(subjects).toHaveLength(3);
  for (let i = 0; i < 3; i++) await sendDueEmails();
  expect(await inboxOf(email)).toHaveLength(3);
});

test("a lifetime purchase emails its receipt once, with the amount paid and the library link", async ({ page }) => {
  test.setTimeout(120_000);
  const { urls } = stackInfo();
  const email = newEmail("mail-lifetime");
  await signUp(page, email);
  await page.goto(`${urls.web}/#pricing`);
  await page.getByTestId("lifetime-card").getByRole("button").click();
  await page.waitForURL(/\/checkout\/cs_/);
  await page.locator("#country").selectOption("US");
  await fillCard(page);
  await page.locator("#line1").fill("1 Main Street");
  await page.locator("#postalCode").fill("10001");
  await page.locator("#city").fill("New York");
  await page.locator("#submit").click();
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);

  await subjectsArrived(email, [/^Receipt: /]);
  const [receipt] = await inboxOf(email);
  expect(receipt?.text).toMatch(/You bought .+ for \$\d+\.\d\d on /);
  expect(receipt?.text).toContain(`Open the library: ${urls.web}/library`);
  for (let i = 0; i < 3; i++) await sendDueEmails();
  expect(await inboxOf(email)).toHaveLength(1);
});

test("Basic → Pro: the plan change is emailed once, with both plans and their prices", async ({ page }) => {
  test.setTimeout(120_000);
  const { web } = stackInfo().urls;
  const email = newEmail("mail-plan");
  await subscribeFast(page, email);
  await page.goto(`${web}/#pricing`);
  const pro = page.getByTestId("plan-card").filter({ hasText: "Gatehouse Pro" });
  await pro.getByTestId("plan-upgrade").click();
  const dialog = page.getByTestId("plan-change-dialog");
  await expect(dialog.getByTestId("plan-change-amount")).toHaveText(/\d/);
  await dialog.getByTestId("plan-change-confirm").click();
  await expect(dialog.getByTestId("plan-change-done")).toBeVisible({ timeout: 15_000 });

  await subjectsArrived(email, [/^You are now on Gatehouse Pro$/]);
  const [changed] = await inboxOf(email);
  expect(changed?.text).toMatch(
    /You moved from Gatehouse Basic \(€\d+\.\d\d \/ month\) to Gatehouse Pro \(€19\.00 \/ month\)/,
  );
  for (let i = 0; i < 3; i++) await sendDueEmails();
  expect(await inboxOf(email)).toHaveLength(1);
});

test("a failed renewal fixed with a new card: the failure, then the recovery, once each", async ({ page }) => {
  test.setTimeout(120_000);
  const { urls } = stackInfo();
  const email = newEmail("mail-recovery");
  await subscribeFast(page, email, "4000 0000 0000 0341");
  await advanceClock(31);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 10_000 }).toBe("past_due");
  await subjectsArrived(email, [/^Your payment for .+ failed$/]);

  // What updating the card in the portal does; Stripe's next retry then succeeds. When that retry
  // comes depends on the month (the shared sandbox clock is wherever the earlier specs left it: a
  // 28-day month puts two failed retries inside the 31 days), so the clock goes to the open
  // invoice's next_payment_attempt, as Stripe states it.
  const stripe = sandboxStripe();
  const customer = (await stripe.customers.list({ email, limit: 1 })).data[0]?.id;
  if (!customer) throw new Error(`no Stripe customer for ${email}`);
  const card = await fetch(`${urls.stripe}/_sandbox/customers/${customer}/card`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: "4242424242424242" }),
  });
  expect(card.status).toBe(200);
  const open = (await stripe.invoices.list({ customer, status: "open", limit: 1 })).data[0];
  const retryAt = open?.next_payment_attempt;
  if (!retryAt) throw new Error(`no retry scheduled for ${customer}'s open invoice`);
  const clock = (await (await fetch(`${urls.stripe}/_sandbox/clock`)).json()) as { now: number };
  await advanceClock((retryAt - clock.now) / 86_400 + 0.5);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 10_000 }).toBe("active");
  const subjects = await subjectsArrived(email, [/^Payment received: .+ continues$/]);
  expect(subjects).toHaveLength(2);
  const recovered = (await inboxOf(email))[0];
  expect(recovered?.text).toMatch(/Thank you: .\d+\.\d\d.* was charged/);
  for (let i = 0; i < 3; i++) await sendDueEmails();
  expect(await inboxOf(email)).toHaveLength(2);
});
