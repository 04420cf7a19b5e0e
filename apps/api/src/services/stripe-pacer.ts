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
  /** The background calls waiting for a token, in arrival order. */
  private waiting: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

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

  /** Tokens in the bucket now: negative while priority calls have overdrawn it. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** A priority call: goes now and spends a token (the budget may go into debt). */
  spend(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** A background call: resolves once a token is free, in arrival order. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer) return;
    this.refill();
    while (this.waiting.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()?.();
    }
    if (!this.waiting.length) return;
    const waitMs = Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, waitMs);
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
