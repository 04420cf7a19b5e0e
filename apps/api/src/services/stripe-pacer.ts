// Keeps the worker's Stripe calls under a budget (STRIPE_REQUESTS_PER_SECOND), below Stripe's own
// limit (25/s in test mode, 100/s live). Two kinds of callers share one token bucket per isolate:
// background work (the queue consumer, the cron) waits for a token; a person waiting (the success
// page's sync, /api/me) never waits: it spends a token at once, even into debt, and the background
// work then waits that much longer. So people go first and still count against the budget.
// The bucket is per isolate: the consumer runs one batch at a time (max_concurrency 1), and where
// Cloudflare serves the success page from another isolate, the room left between the budget (20)
// and Stripe's limit (25/s test mode, 100/s live) is the people's share.

export class StripePacer {
  private tokens: number;
  private at: number;
  private readonly burst: number;

  readonly perSecond: number;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number = Date.now) {
    this.perSecond = perSecond;
    this.now = now;
    // At most one second's worth at once: never more than the budget in any one-second window.
    this.burst = Math.max(1, perSecond);
    this.tokens = this.burst;
    this.at = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }

  /** Tokens in the bucket now: negative while calls have overdrawn or reserved it. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** A priority call: goes now and spends a token (the budget may go into debt). */
  spend(): void {
    this.refill();
    this.tokens -= 1;
  }

  /**
   * A background call: reserves its token now (arrival order) and waits until the bucket has
   * refilled up to it. The wait is the caller's own timer: in workerd a timer dies with the request
   * that set it, so a timer shared between requests (one batch waking the next one's callers) would
   * leave every later caller waiting for good once its request ended.
   */
  take(): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const waitMs = Math.ceil((-this.tokens / this.perSecond) * 1000);
    return new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** A fetch for stripe-node's fetch client: every request first takes (background) or spends (priority) a token. */
export function pacedFetch(
  pacer: StripePacer,
  priority: "user" | "background",
  inner: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    if (priority === "user") pacer.spend();
    else await pacer.take();
    return inner(input, init);
  };
}
