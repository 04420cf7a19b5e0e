// Rate limits with Cloudflare's rate-limiting binding (wrangler.jsonc `ratelimits`): per signed-in
// user and route, and per client IP for requests that fail to sign in. Over the limit: 429
// rate_limited with Retry-After.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { requireUser } from "./require-user.ts";

/** The binding's period (wrangler.jsonc `simple.period`, 10 or 60): the worst-case wait. */
export const RATE_LIMIT_PERIOD_S = 60;

export type LimitedRoute = "checkout" | "portal" | "sync" | "change-plan";

class RateLimited extends ApiError<"rate_limited"> {
  constructor(what: string) {
    super("rate_limited", `Too many ${what} in a short time: wait a minute, then try again`);
  }
}

/**
 * Is this key under its limit? Without the binding (unit tests in Node) or when the limiter
 * itself fails, the request goes through: a limiter outage must not stop payments.
 */
async function underLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch (e) {
    console.error(JSON.stringify({ rateLimiter: "failed", error: e instanceof Error ? e.message : String(e) }));
    return true;
  }
}

function tooMany(c: Context, what: string): never {
  c.header("Retry-After", String(RATE_LIMIT_PERIOD_S));
  throw new RateLimited(what);
}

/**
 * requireUser, then the user's limit on this route. A request that fails to sign in counts against
 * its client IP (CF-Connecting-IP, set by Cloudflare), so unauthenticated abuse is limited too.
 */
export function requireUserWithin(route: LimitedRoute) {
  return createMiddleware<AppEnv>(async (c, next) => {
    try {
      await requireUser(c, async () => undefined);
    } catch (e) {
      const ip = c.req.header("cf-connecting-ip");
      if (e instanceof ApiError && e.status === 401 && ip && !(await underLimit(c.env.IP_RATE_LIMITER, `ip:${ip}`))) {
        tooMany(c, "failed sign-ins from this address");
      }
      throw e;
    }
    if (!(await underLimit(c.env.USER_RATE_LIMITER, `${route}:${c.var.user.id}`))) {
      tooMany(c, "requests for this account");
    }
    await next();
  });
}
