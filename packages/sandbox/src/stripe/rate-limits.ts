// Stripe's API limits, as Stripe answers them (docs "Rate limits"): a per-account budget of
// requests per second overall and per endpoint (each named operation is its own endpoint:
// `GET /v1/subscriptions` and `GET /v1/subscriptions/{id}` count separately), over which Stripe
// answers 429 with no error code; and object locks: a write to an object another write holds
// waits, then answers 429 `lock_timeout`. Only `/v1` counts: hosted pages and `/_sandbox` do not.
import { StripeApiError } from "./errors.ts";

export interface RateLimitSettings {
  /** Requests per second per account, all endpoints together; 0 turns the limit off. */
  perSecond: number;
  /** Requests per second per account and endpoint; 0 turns the limit off. */
  perEndpointPerSecond: number;
  /** How long a write waits for another write to the same object before 429 lock_timeout. */
  lockTimeoutMs: number;
}

/** Stripe's test-mode values. */
export const STRIPE_TEST_MODE_LIMITS: RateLimitSettings = {
  perSecond: 25,
  perEndpointPerSecond: 25,
  lockTimeoutMs: 2000,
};
export const NO_LIMITS: RateLimitSettings = { perSecond: 0, perEndpointPerSecond: 0, lockTimeoutMs: 2000 };

export interface RateLimitCounts {
  /** Requests refused with a rate-limit 429 since the last reset. */
  rateLimited: number;
  /** Writes refused with 429 lock_timeout since the last reset. */
  lockTimeouts: number;
  /** `/v1` requests admitted since the last reset, by endpoint (`GET /v1/subscriptions`). */
  admitted: Record<string, number>;
}

/** A token bucket: `rate` tokens a second, at most `rate` banked (one second's burst). */
class Bucket {
  private tokens: number;
  private at: number;
  private readonly rate: number;
  constructor(rate: number, now: number) {
    this.rate = rate;
    this.tokens = rate;
    this.at = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const RATE_LIMIT_MESSAGE =
  "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.";
const LOCK_TIMEOUT_MESSAGE =
  "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate. See https://stripe.com/docs/rate-limits for more information.";

/** A refusal with the headers Stripe sends beside it. */
export class LimitError extends StripeApiError {
  readonly headers: Record<string, string>;
  constructor(kind: "rate_limit" | "lock_timeout") {
    super(
      429,
      "invalid_request_error",
      kind === "rate_limit" ? RATE_LIMIT_MESSAGE : LOCK_TIMEOUT_MESSAGE,
      kind === "lock_timeout" ? { code: "lock_timeout", stored: false } : { stored: false },
    );
    // A lock clears by itself: stripe-node retries what Stripe marks retryable. A rate limit is
    // the caller's pacing problem, not retried by the SDK.
    this.headers = { "stripe-should-retry": kind === "lock_timeout" ? "true" : "false" };
  }
}

export class RateLimits {
  settings: RateLimitSettings;
  private buckets = new Map<string, Bucket>();
  private locks = new Map<string, Promise<void>>();
  private counts: RateLimitCounts = { rateLimited: 0, lockTimeouts: 0, admitted: {} };

  private readonly now: () => number;

  constructor(settings: RateLimitSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
  }

  configure(next: Partial<RateLimitSettings>): RateLimitSettings {
    this.settings = { ...this.settings, ...next };
    this.buckets.clear();
    return this.settings;
  }

  stats(): RateLimitCounts & { settings: RateLimitSettings } {
    return { settings: this.settings, ...this.counts, admitted: { ...this.counts.admitted } };
  }

  resetStats(): void {
    this.counts = { rateLimited: 0, lockTimeouts: 0, admitted: {} };
  }

  private take(key: string, rate: number, now: number): boolean {
    if (rate <= 0) return true;
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(rate, now);
      this.buckets.set(key, b);
    }
    return b.take(now);
  }

  /**
   * Admits one `/v1` request of `account` to `endpoint` (method + route pattern), or throws the
   * 429 Stripe sends. A write to `objectId` then waits for the object's lock; the returned
   * function releases it once the request is answered.
   */
  async admit(account: string, endpoint: string, objectId: string | null): Promise<() => void> {
    const now = this.now();
    const { perSecond, perEndpointPerSecond } = this.settings;
    // Both budgets must have room before either is spent.
    const overall = this.take(`${account}`, perSecond, now);
    const own = overall && this.take(`${account} ${endpoint}`, perEndpointPerSecond, now);
    if (!overall || !own) {
      this.counts.rateLimited++;
      throw new LimitError("rate_limit");
    }
    this.counts.admitted[endpoint] = (this.counts.admitted[endpoint] ?? 0) + 1;
    if (!objectId) return () => undefined;
    return this.lock(`${account} ${objectId}`);
  }

  private async lock(key: string): Promise<() => void> {
    const held = this.locks.get(key);
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = (held ?? Promise.resolve()).then(() => mine);
    this.locks.set(key, tail);
    const done = () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
    if (!held) return done;
    const timeoutMs = this.settings.lockTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const acquired = await Promise.race([
      held.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!acquired) {
      // Give up the place in line at once: whoever queued behind this request waits for the holder only.
      done();
      this.counts.lockTimeouts++;
      throw new LimitError("lock_timeout");
    }
    return done;
  }
}

/** The object a write concerns: the id in `/v1/<resource>/<id>[/…]`, or none for creates and reads. */
export function writtenObject(method: string, args: string[]): string | null {
  if (method === "GET") return null;
  return args[0] ?? null;
}

/** A route's endpoint as Stripe names it: `GET /v1/subscriptions/{id}` (from its path under /v1). */
export function endpointName(method: string, path: string): string {
  return `${method} /v1${path.replace(/:\w+/g, "{id}")}`;
}
