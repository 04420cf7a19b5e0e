// Issue 12 item 5: checkout, portal and sync are rate limited per user (and failed sign-ins per IP)
// by the Workers rate-limiting binding, as configured in wrangler.jsonc (development limits:
// 60 a minute per user and route, 300 failed sign-ins a minute per IP).
import { describe, expect, test } from "vitest";
import { api, createUser, prices } from "./helpers.ts";

/**
 * The binding counts in fixed windows aligned to the wall clock (Miniflare, like Cloudflare): start a
 * burst at least `needMs` before the current window ends, so it is counted in one window.
 */
async function awayFromWindowEdge(needMs: number, periodMs = 60_000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 100));
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe("rate limits", () => {
  test("70 concurrent syncs by one user: 60 go through, 10 are 429 rate_limited with Retry-After", async () => {
    const user = await createUser();
    // The signing keys read once beforehand (another user's request on another route): 70 first
    // requests would otherwise all wait on the one JWKS fetch, and on a loaded machine that fetch
    // can pass its 5 s timeout and answer them 503 upstream_unavailable, which is not what this
    // test is about (a cold JWKS under load: require-user.ts, token-claims.test.ts).
    const warm = await createUser();
    expect((await api("/api/me", { token: warm.token })).status).toBe(200);
    await awayFromWindowEdge(15_000);
    const answers = await Promise.all(
      Array.from({ length: 70 }, () => api("/api/billing/sync", { method: "POST", token: user.token, json: {} })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBe(60);
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBe(10);
    const first = limited[0];
    expect(first?.headers.get("retry-after")).toBe("60");
    const error = first ? await errorOf(first) : null;
    expect(error?.code).toBe("rate_limited");
    expect(error?.message).toMatch(/wait a minute/);

    // The limit is this user's on this route: another route and another user are untouched.
    const portal = await api("/api/billing/portal", { method: "POST", token: user.token, json: {} });
    expect(portal.status).toBe(404);
    const other = await createUser();
    expect((await api("/api/billing/sync", { method: "POST", token: other.token, json: {} })).status).toBe(200);
  });

  test("plan changes (preview, change, cancel) share one per-user limit", async () => {
    const user = await createUser();
    await awayFromWindowEdge(15_000);
    const answers = await Promise.all(
      Array.from({ length: 65 }, (_, i) =>
        i % 3 === 2
          ? api("/api/billing/change-plan", { method: "DELETE", token: user.token })
          : api(`/api/billing/change-plan${i % 3 ? "" : "/preview"}`, {
              method: "POST",
              token: user.token,
              json: { priceId: prices.yearly() },
            }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBe(5);
    expect(statuses.filter((s) => s !== 429 && (s < 400 || s >= 500))).toEqual([]);
  });

  test("failed sign-ins are limited per client IP: 429 past 300 a minute, other addresses still get 401", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    await awayFromWindowEdge(20_000);
    for (let batch = 0; batch < 7; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          api("/api/checkout", {
            method: "POST",
            token: "not-a-jwt",
            headers: { "cf-connecting-ip": ip },
            json: { priceId: "price_x" },
          }),
        ),
      );
      statuses.push(...answers.map((r) => r.status));
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBe(300);
    expect(statuses.filter((s) => s === 429).length).toBe(50);
    const elsewhere = await api("/api/checkout", {
      method: "POST",
      token: "not-a-jwt",
      headers: { "cf-connecting-ip": "198.51.100.20" },
      json: { priceId: "price_x" },
    });
    expect(elsewhere.status).toBe(401);
  });
});
