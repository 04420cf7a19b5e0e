// Steps a person takes, shared by the specs.
import { sandboxControl as control } from "@gatehouse/sandbox/control";
import { expect, type Page } from "@playwright/test";
import Stripe from "stripe";
import { isLive, stackInfo } from "./stack-info.ts";

export const PASSWORD = "correct horse battery";

export function newEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
}

export async function signUp(page: Page, email: string): Promise<void> {
  // A real Supabase project usually asks new accounts to confirm their email, which a test cannot
  // read: on the live lane the account is made confirmed by the admin API, then signed in on screen.
  if (isLive()) {
    await createConfirmedUser(email);
    await signIn(page, email);
    return;
  }
  await page.goto(`${stackInfo().urls.web}/sign-in`);
  await page
    .getByRole("link", { name: "Sign up" })
    .or(page.getByRole("tab", { name: "Sign up" }))
    .or(page.getByRole("button", { name: "Sign up" }))
    .first()
    .click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Signs in on the sign-in screen with the email and PASSWORD. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${stackInfo().urls.web}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).last().click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** A confirmed account made with the admin API (the secret key): its id. */
export async function createConfirmedUser(email: string): Promise<string> {
  const { urls, keys } = stackInfo();
  const res = await fetch(`${urls.supabase}/auth/v1/admin/users`, {
    method: "POST",
    headers: { apikey: keys.secret, authorization: `Bearer ${keys.secret}`, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, email_confirm: true }),
  });
  if (!res.ok) throw new Error(`create user ${email}: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return id;
}

/** The hosted checkout page's address: the stand-in's /checkout/cs_…, or checkout.stripe.com. */
export const CHECKOUT_URL = () => (isLive() ? /^https:\/\/checkout\.stripe\.com\// : /\/checkout\/cs_/);

/** From the pricing section, subscribe to the monthly plan and land on the hosted checkout page. */
export async function startCheckout(page: Page, interval: "Monthly" | "Yearly" = "Monthly"): Promise<void> {
  await page.goto(`${stackInfo().urls.web}/#pricing`);
  await page.getByRole("radio", { name: interval }).check({ force: true });
  await page
    .getByRole("button", { name: /^Subscribe to/ })
    .first()
    .click();
  await page.waitForURL(CHECKOUT_URL());
}

/** Fills the hosted checkout form: the sandbox's, or Stripe's own on the live lane. */
export async function fillCard(page: Page, card = "4242 4242 4242 4242"): Promise<void> {
  if (isLive()) {
    await fillStripeCheckout(page, card);
    return;
  }
  await page.locator("#cardNumber").fill(card);
  await page.locator("#cardExpiry").fill("12 / 34");
  await page.locator("#cardCvc").fill("123");
}

/** Stripe's hosted Checkout (test mode): card, name, and the address when the session collects it. */
async function fillStripeCheckout(page: Page, card: string): Promise<void> {
  await page.locator('input[name="cardNumber"]').fill(card);
  await page.locator('input[name="cardExpiry"]').fill("12 / 34");
  await page.locator('input[name="cardCvc"]').fill("123");
  await page.locator('input[name="billingName"]').fill("Gatehouse Live Test");
  const country = page.locator('select[name="billingCountry"]');
  if (await country.isVisible()) await country.selectOption("FR");
  for (const [name, value] of [
    ["billingAddressLine1", "1 rue de Rivoli"],
    ["billingPostalCode", "75001"],
    ["billingLocality", "Paris"],
  ] as const) {
    const field = page.locator(`input[name="${name}"]`);
    if (await field.isVisible()) await field.fill(value);
  }
}

/** Fills the hosted checkout form and pays. */
export async function pay(page: Page, card = "4242 4242 4242 4242"): Promise<void> {
  await fillCard(page, card);
  if (isLive()) await page.locator('button[type="submit"]').last().click();
  else await page.locator("#submit").click();
}

/** Signs up, pays with `card` and waits for the premium content on the success page. */
export async function subscribe(page: Page, email: string, card = "4242 4242 4242 4242"): Promise<void> {
  await signUp(page, email);
  await startCheckout(page);
  await pay(page, card);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
}

/**
 * A subscriber without the sign-up and pricing screens (subscribe.spec.ts walks those): an account
 * from the auth API, its session in the page, the hosted checkout from the API, paid with `card`.
 */
export async function subscribeFast(page: Page, email: string, card = "4242 4242 4242 4242"): Promise<void> {
  const user = await signUpApi(email);
  if (!page.url().startsWith(stackInfo().urls.web)) await page.goto(stackInfo().urls.web);
  await useSession(page, user.json);
  await page.goto(await createCheckout(user.accessToken));
  await pay(page, card);
  await page.waitForURL(/\/billing\/success\?session_id=cs_/);
  await expect(page.getByTestId("premium-content")).toBeVisible({ timeout: 15_000 });
}

/** A Stripe client on the stack's Stripe stand-in (the SDK's default retries unless given). */
export function sandboxStripe(opts: { maxNetworkRetries?: number } = {}): Stripe {
  const { urls, keys } = stackInfo();
  const target = new URL(urls.stripe);
  return new Stripe(keys.stripe, { host: target.hostname, port: Number(target.port), protocol: "http", ...opts });
}

/** Subscribes with a card whose renewal fails, moves past the renewal and waits for past_due. */
export async function subscribeThenFailRenewal(page: Page, email: string): Promise<void> {
  await subscribeFast(page, email, "4000 0000 0000 0341");
  await advanceClock(31);
  await expect.poll(async () => (await apiMe(page)).entitlement.status, { timeout: 15_000 }).toBe("past_due");
}

/** The Stripe stand-in's `/_sandbox/…` controls (not Stripe). */
function sandboxControl(path: string, body?: unknown): Promise<unknown> {
  return control(stackInfo().urls.stripe, path, body);
}

const DAY = 86_400;

/** Moves the sandbox clock forward, then waits until the webhooks it caused are delivered. */
export async function advanceClock(days: number): Promise<void> {
  await sandboxControl("clock/advance", { seconds: days * DAY });
  await sandboxControl("deliveries/wait", { timeoutMs: 20_000 });
}

/** Holds the stand-in's webhook deliveries while `fn` runs (events queue up), then lets them go. */
export async function withWebhooksPaused<T>(fn: () => Promise<T>): Promise<T> {
  await sandboxControl("webhooks/pause", {});
  try {
    return await fn();
  } finally {
    await sandboxControl("webhooks/resume", {});
  }
}

/** The page's Supabase session token (supabase-js keeps it in localStorage as `sb-…-auth-token`). */
export async function accessToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    for (let i = 0; i < window.localStorage.length; i++) {
      const key = window.localStorage.key(i);
      if (key?.startsWith("sb-") && key.endsWith("-auth-token")) {
        const raw = window.localStorage.getItem(key);
        const parsed: unknown = raw ? JSON.parse(raw) : null;
        if (parsed && typeof parsed === "object" && "access_token" in parsed) return String(parsed.access_token);
      }
    }
    return null;
  });
  if (!token) throw new Error("no Supabase session in localStorage");
  return token;
}

/** Reads rows from the Supabase REST API as the holder of `token` (RLS applies). */
export async function restSelect(table: string, query: string, token: string): Promise<unknown[]> {
  const { urls, keys } = stackInfo();
  const res = await fetch(`${urls.supabase}/rest/v1/${table}?${query}`, {
    headers: { apikey: keys.publishable, authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET ${table}: ${res.status} ${await res.text()}`);
  const rows: unknown = await res.json();
  if (!Array.isArray(rows)) throw new Error(`GET ${table}: not an array`);
  return rows;
}

export interface Me {
  user: { id: string; email?: string | null };
  entitlement: { active: boolean; status: string | null; currentPeriodEnd: string | null; cancelAt: string | null };
}

/** `GET /api/me` with the page's session. */
export async function apiMe(page: Page): Promise<Me> {
  const res = await fetch(`${stackInfo().urls.api}/api/me`, {
    headers: { authorization: `Bearer ${await accessToken(page)}` },
  });
  if (!res.ok) throw new Error(`GET /api/me: ${res.status} ${await res.text()}`);
  return (await res.json()) as Me;
}

/** A new account made through the Supabase auth API (no page): its session as supabase-js stores it. */
export async function signUpApi(email: string): Promise<{ json: string; accessToken: string }> {
  const { urls, keys } = stackInfo();
  const res = await fetch(`${urls.supabase}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: keys.publishable, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-up ${email}: ${res.status} ${await res.text()}`);
  const json = await res.text();
  const { access_token } = JSON.parse(json) as { access_token?: string };
  if (!access_token) throw new Error(`sign-up ${email}: no session in the answer (email confirmation on?)`);
  return { json, accessToken: access_token };
}

/** Puts a session where supabase-js looks for it (`sb-<host>-auth-token`); the page must be on the app. */
export async function useSession(page: Page, sessionJson: string): Promise<void> {
  const key = `sb-${new URL(stackInfo().urls.supabase).hostname.split(".")[0]}-auth-token`;
  await page.evaluate(([k, v]) => window.localStorage.setItem(k, v), [key, sessionJson] as const);
}

/** `POST /api/checkout` for `priceId` (the monthly price unless given), as the holder of `token`: the hosted checkout URL. */
export async function createCheckout(token: string, priceId = stackInfo().prices.monthly): Promise<string> {
  const res = await fetch(`${stackInfo().urls.api}/api/checkout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ priceId }),
  });
  if (!res.ok) throw new Error(`POST /api/checkout: ${res.status} ${await res.text()}`);
  const { url } = (await res.json()) as { url: string };
  return url;
}
