// Part: rate limits. One user fires a burst of concurrent syncs (each costs Stripe calls); one
// address fires a burst of failed sign-ins. The API's Workers rate-limiting bindings must cut both
// at their limit (development config: 60 a minute per user and route, 300 failed sign-ins a minute
// per IP) with 429 rate_limited and Retry-After, answer no 5xx, and leave other users alone.
import { api, type ChaosContext, createUser, sleep } from "./context.ts";
import { figure, type PartResult, partResult } from "./figures.ts";

/** wrangler.jsonc (top level): USER_RATE_LIMITER and IP_RATE_LIMITER, period 60 s. */
const USER_LIMIT = 60;
const IP_LIMIT = 300;
const PERIOD_MS = 60_000;

/** The limiter counts in fixed wall-clock windows: start a burst well inside one. */
async function awayFromWindowEdge(needMs: number): Promise<void> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < needMs) await sleep(left + 200);
}

interface Tally {
  ok: number;
  limited: number;
  fiveXx: number;
  other: number;
  badShape: number;
}

async function count(answers: Response[], okStatus: number): Promise<Tally> {
  const t: Tally = { ok: 0, limited: 0, fiveXx: 0, other: 0, badShape: 0 };
  for (const res of answers) {
    const text = await res.text();
    if (res.status === okStatus) t.ok++;
    else if (res.status === 429) {
      t.limited++;
      let code = "";
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "";
      } catch {
        code = "";
      }
      if (code !== "rate_limited" || !res.headers.get("retry-after")) t.badShape++;
    } else if (res.status >= 500) t.fiveXx++;
    else t.other++;
  }
  return t;
}

export async function runRateLimits(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const notes: string[] = [];
  const burst = USER_LIMIT + 30;

  // One user, a burst of concurrent syncs.
  const greedy = await createUser(ctx, "greedy");
  await awayFromWindowEdge(20_000);
  const syncs = await count(
    await Promise.all(
      Array.from({ length: burst }, () =>
        api(ctx, "/api/billing/sync", { method: "POST", token: greedy.token, json: {} }),
      ),
    ),
    200,
  );
  notes.push(`one user × ${burst} concurrent syncs: ${syncs.ok} 200, ${syncs.limited} 429, ${syncs.other} other`);
  // Someone else, meanwhile, is not affected.
  const bystander = await createUser(ctx, "bystander");
  const bystanderRes = await api(ctx, "/api/billing/sync", { method: "POST", token: bystander.token, json: {} });
  await bystanderRes.arrayBuffer();

  // One address, a burst of failed sign-ins (CF-Connecting-IP as Cloudflare sets it).
  const ip = `198.18.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  await awayFromWindowEdge(30_000);
  const failedAnswers: Response[] = [];
  for (let batch = 0; batch < 7; batch++) {
    failedAnswers.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, () =>
          api(ctx, "/api/checkout", {
            method: "POST",
            token: "not-a-token",
            headers: { "cf-connecting-ip": ip },
            json: { priceId: ctx.stack.prices.monthly },
          }),
        ),
      )),
    );
  }
  const signIns = await count(failedAnswers, 401);
  notes.push(`one address × ${failedAnswers.length} failed sign-ins: ${signIns.ok} 401, ${signIns.limited} 429`);

  return partResult("rate-limits", started, notes, [
    figure("rate_limit_user_burst", burst, "requests", { detail: "concurrent POST /api/billing/sync, one user" }),
    figure("rate_limit_user_limited", syncs.limited, "requests", {
      detail: `429 rate_limited (limit ${USER_LIMIT}/min)`,
    }),
    figure("rate_limit_user_overrun", Math.max(0, syncs.ok - USER_LIMIT), "requests", {
      mustBeZero: true,
      detail: "syncs served beyond the per-user limit",
    }),
    figure("rate_limit_user_not_limited", syncs.limited === 0 ? 1 : 0, "bursts", {
      mustBeZero: true,
      detail: "a burst over the limit that got no 429 at all",
    }),
    figure("rate_limit_bystander_refused", bystanderRes.status === 200 ? 0 : 1, "requests", {
      mustBeZero: true,
      detail: "another user's sync during the burst",
    }),
    figure("rate_limit_ip_failed_signins", failedAnswers.length, "requests"),
    figure("rate_limit_ip_limited", signIns.limited, "requests", {
      detail: `429 rate_limited (limit ${IP_LIMIT}/min)`,
    }),
    figure("rate_limit_ip_overrun", Math.max(0, signIns.ok - IP_LIMIT), "requests", {
      mustBeZero: true,
      detail: "failed sign-ins answered 401 beyond the per-IP limit",
    }),
    figure("rate_limit_5xx", syncs.fiveXx + signIns.fiveXx, "requests", { mustBeZero: true }),
    figure("rate_limit_bad_429", syncs.badShape + signIns.badShape, "requests", {
      mustBeZero: true,
      detail: "429 without code rate_limited or without Retry-After",
    }),
    figure("rate_limit_unexpected_status", syncs.other + signIns.other, "requests", { mustBeZero: true }),
  ]);
}
