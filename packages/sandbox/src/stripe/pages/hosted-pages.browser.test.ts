// The hosted checkout and portal pages in a real Chromium (Debian's, driven by Playwright).
import { mkdirSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@gatehouse/chromium";
import { type Browser, chromium } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Harness, makePlan, startHarness } from "../test-support.ts";

// Real Postgres, real HTTP (and a real browser): generous limits on a shared 2-core machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 90_000 });

const shots = join(import.meta.dirname, "..", "..", "..", "test-results");

let h: Harness;
let browser: Browser;
let app: http.Server;
let appUrl = "";

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", ...CHROMIUM_ARGS],
  });
  // Stands in for the SPA's success and pricing pages.
  app = http.createServer((req, res) => {
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(`<!doctype html><h1>App page</h1><p id="path">${req.url ?? ""}</p>`);
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const addr = app.address();
  appUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  await h?.stop();
});

async function newSession(locale?: "fr") {
  const price = await makePlan(h.stripe, { amount: 1200 });
  return h.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    client_reference_id: "user-browser",
    success_url: `${appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/pricing`,
    ...(locale ? { locale } : {}),
  });
}

describe("hosted checkout page", () => {
  it("pays with 4242 4242 4242 4242 and redirects to success_url with the session id", async () => {
    const session = await newSession();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url ?? "");
    await expect(page.getByRole("heading", { name: /Subscribe to Gatehouse Pro/ }).isVisible()).resolves.toBe(true);
    await page.getByLabel("Email").fill("browser@example.com");
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByLabel(/Expiry/).fill("12 / 34");
    await page.getByLabel("CVC").fill("123");
    await page.getByLabel("Cardholder name").fill("Ada Lovelace");
    await page.screenshot({ path: join(shots, "checkout-page.png"), fullPage: true });
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.waitForURL(/\/billing\/success\?session_id=/);
    expect(page.url()).toBe(`${appUrl}/billing/success?session_id=${session.id}`);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(typeof done.subscription).toBe("string");
    await page.goto(session.url ?? "");
    await expect(page.getByRole("heading", { name: /already complete/ }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it("shows the decline message for 4000 0000 0000 0002 and keeps the session open", async () => {
    const session = await newSession();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url ?? "");
    await page.getByLabel("Email").fill("declined@example.com");
    await page.getByLabel("Card number").fill("4000 0000 0000 0002");
    await page.getByLabel(/Expiry/).fill("12 / 34");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Subscribe" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Your card was declined.");
    await page.screenshot({ path: join(shots, "checkout-declined.png"), fullPage: true });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    await page.getByRole("link", { name: /Back/ }).click();
    await page.waitForURL(`${appUrl}/pricing`);
    await page.close();
  });

  it("speaks French when the session's locale is fr, and the portal too", async () => {
    const session = await newSession("fr");
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url ?? "");
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await page.getByLabel("E-mail").fill("fr@example.com");
    await page.getByLabel("Numéro de carte").fill("4242424242424242");
    await page.getByRole("button", { name: "S’abonner" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("date d’expiration");
    await page.getByLabel("Numéro de carte").fill("4242424242424242");
    await page.getByLabel(/Date d’expiration/).fill("01/40");
    await page.getByLabel("CVC").fill("321");
    await page.screenshot({ path: join(shots, "checkout-page-fr.png"), fullPage: true });
    await page.getByRole("button", { name: "S’abonner" }).click();
    await page.waitForURL(/session_id=/);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: String(done.customer),
      return_url: `${appUrl}/account`,
      locale: "fr",
    });
    await page.goto(portal.url);
    await page.getByRole("button", { name: "Annuler l’abonnement" }).click();
    await page.getByRole("button", { name: /Ne pas annuler/ }).waitFor();
    await page.screenshot({ path: join(shots, "portal-fr.png"), fullPage: true });
    const sub = await h.stripe.subscriptions.retrieve(String(done.subscription));
    expect(sub.cancel_at).not.toBeNull();
    await page.close();
  });
});
