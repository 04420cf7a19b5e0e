// The SPA as deployed: the static-assets Worker (wrangler dev of apps/web) serves the build with the
// `_headers` the build wrote. The whole flow must work under that CSP with no violation.
import { createHash } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { newEmail, subscribe } from "../src/flows.ts";
import { stackInfo } from "../src/stack-info.ts";

interface Violation {
  directive: string;
  blocked: string;
  page: string;
}

/** Records every CSP violation (any document of the page) and every CSP console error. */
async function watchCsp(page: Page) {
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  const violations: Violation[] = [];
  await page.exposeFunction("__reportCspViolation", (v: Violation) => {
    violations.push(v);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: Violation) => void }).__reportCspViolation;
      void report({ directive: e.effectiveDirective, blocked: e.blockedURI, page: location.href });
    });
  });
  return { consoleErrors, violations };
}

test("every page and asset carries the CSP, framing, sniffing, referrer and HSTS headers; assets cache for a year", async ({
  page,
  request,
}) => {
  const { web, api, supabase } = stackInfo().urls;
  const ws = supabase.replace(/^http/, "ws");
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
  for (const path of ["/", "/library", "/auth/callback?next=%2F"]) {
    const res = await request.get(`${web}${path}`);
    expect(res.status(), path).toBe(200);
    const h = res.headers();
    const csp = h["content-security-policy"] ?? "";
    // Beside 'self', only the hashes of the prerendered pages' inline script and styles.
    expect(csp.replace(/ 'sha256-[\w+/=]+'/g, ""), path).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ${supabase} ${ws} ${api}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`,
    );
    const html = await res.text();
    for (const [, inline] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
      expect(csp.match(/script-src [^;]+/)?.[0], path).toContain(hash(inline ?? ""));
    }
    for (const [, inline] of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
      expect(csp.match(/style-src [^;]+/)?.[0], path).toContain(hash(inline ?? ""));
    }
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["strict-transport-security"], path).toBe("max-age=63072000; includeSubDomains");
    expect(h["cache-control"], path).not.toContain("immutable");
  }
  await page.goto(web);
  const script = await page.locator("script[type=module]").first().getAttribute("src");
  expect(script).toMatch(/^\/assets\/.+\.js$/);
  const asset = await request.get(`${web}${script}`, { headers: { "Accept-Encoding": "gzip, br" } });
  expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  // Compressed as Cloudflare's edge does (Lighthouse's simulation counts the bytes transferred).
  expect(asset.headers()["content-encoding"]).toMatch(/^(gzip|br)$/);
  expect(asset.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  // The generated file configures the server; it is not served itself.
  expect(await (await request.get(`${web}/_headers`)).text()).not.toContain("Content-Security-Policy");
});

test("the CSP is enforced: another origin cannot frame the app, and a fetch to an unlisted origin is blocked", async ({
  page,
}) => {
  const { web, supabase } = stackInfo().urls;
  const csp = await watchCsp(page);
  await page.goto(web);
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  const blocked = await page.evaluate(() =>
    fetch("http://127.0.0.1:9/").then(
      () => "fetched",
      () => "refused",
    ),
  );
  expect(blocked).toBe("refused");
  await expect.poll(() => csp.violations.map((v) => v.directive)).toContain("connect-src");

  // A page on another origin (the sandbox inbox) tries to frame the app.
  const framed = page.waitForEvent("console", (m) => /frame-ancestors 'none'/.test(m.text()));
  await page.goto(`${supabase}/inbox`);
  await page.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.src = src;
    document.body.append(frame);
  }, `${web}/`);
  const refusal = (await framed).text();
  expect(refusal).toContain(`Framing '${web}/' violates`);
  expect(refusal).toContain("The request has been blocked");
});

test("sign up, subscribe, pay 4242 on the hosted checkout and read the premium content under the CSP, with no violation", async ({
  page,
}) => {
  const { web } = stackInfo().urls;
  const csp = await watchCsp(page);
  const response = await page.goto(web);
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await subscribe(page, newEmail("csp"));
  await page.goto(`${web}/library`);
  await expect(page.getByTestId("premium-content")).toBeVisible();
  await page.goto(`${web}/account`);
  await expect(page.getByTestId("account-summary")).toBeVisible();
  expect(csp.violations).toEqual([]);
  expect(csp.consoleErrors).toEqual([]);
});
