import http from "node:http";
import type Stripe from "stripe";
import { eventMatches } from "./events.ts";
import { signWebhook } from "./sign-webhook.ts";

export interface ChaosSettings {
  /** Chance that an event is delivered twice (as two independent deliveries). */
  duplicateRate: number;
  /** First attempts wait a random 0..window ms, so deliveries arrive out of order. */
  reorderWindowMs: number;
  /** Chance that a first attempt is failed on purpose (not sent; retried on the schedule). */
  failFirstAttemptRate: number;
  /** Chance that a delivery is dropped for good (never sent, counted as dropped). */
  dropRate: number;
}

export interface DeliveryAttempt {
  event_id: string;
  type: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  latency_ms: number;
  at: string;
}

export interface DeliverySummary {
  pending: number;
  in_flight: number;
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
  paused: boolean;
}

/** One delivery of one event to one endpoint (chaos duplicates are separate jobs). */
export interface Job {
  event: Stripe.Event;
  payload: string;
  endpointId: string;
  attempt: number;
  /** Initial delay (chaos reordering), ms. */
  delayMs: number;
  /** The primary delivery is persisted until it ends, so a restart resumes it. */
  persisted: boolean;
}

export interface DeliveryOptions {
  retrySchedule: number[];
  concurrency: number;
  timeoutMs: number;
  endpoint: (id: string) => Stripe.WebhookEndpoint | undefined;
  endpoints: () => Stripe.WebhookEndpoint[];
  log?: (line: string) => void;
  random?: () => number;
  /** Called when a persisted job ends (delivered, failed for good, or its endpoint is gone). */
  onDone?: (eventId: string, endpointId: string) => void;
}

const MAX_LOG = 200_000;
/** In paced mode, how many deliveries may be in flight at once (Stripe's own limit is not public). */
const PACED_MAX_IN_FLIGHT = 256;

/**
 * At-least-once webhook delivery: every enabled endpoint whose `enabled_events` match gets a signed
 * POST; non-2xx or timeout is retried on `retrySchedule`, then marked failed. At most `concurrency`
 * requests in flight. Chaos settings make delivery hostile on purpose.
 */
export class WebhookDelivery {
  private readonly opts: DeliveryOptions;
  private readonly agent: http.Agent;
  private ready: Job[] = [];
  private readyHead = 0;
  private waiting = 0;
  private inFlight = 0;
  private timers = new Set<NodeJS.Timeout>();
  private log: DeliveryAttempt[] = [];
  private counts = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };
  private paused = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  chaos: ChaosSettings = { duplicateRate: 0, reorderWindowMs: 0, failFirstAttemptRate: 0, dropRate: 0 };

  /**
   * Paced delivery (open loop): with a rate, deliveries start at `perSecond` whatever the endpoint's
   * answers, up to PACED_MAX_IN_FLIGHT at once, as events reach Stripe's side in a burst: the
   * endpoint's response time is then measured at that offered rate. Null: at most `concurrency` in
   * flight, the next starting when one ends (closed loop, the default).
   */
  private pace: { perSecond: number; nextAt: number; timer: NodeJS.Timeout | null } | null = null;

  constructor(opts: DeliveryOptions) {
    this.opts = opts;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(opts.concurrency, PACED_MAX_IN_FLIGHT) });
  }

  /** Sets (or clears, with null) the paced delivery rate. */
  setRate(perSecond: number | null): void {
    if (this.pace?.timer) clearTimeout(this.pace.timer);
    this.pace = perSecond === null ? null : { perSecond, nextAt: 0, timer: null };
    this.pump();
  }

  get rate(): number | null {
    return this.pace?.perSecond ?? null;
  }

  /** Paced mode: may a delivery start now? If not, wakes the pump when the next one may. */
  private paced(): boolean {
    const pace = this.pace;
    if (!pace) return true;
    const now = performance.now();
    if (now < pace.nextAt) {
      if (!pace.timer) {
        pace.timer = setTimeout(
          () => {
            pace.timer = null;
            this.pump();
          },
          Math.max(1, Math.ceil(pace.nextAt - now)),
        );
      }
      return false;
    }
    // A late timer may catch up at most 10 ms of missed starts, never a burst.
    pace.nextAt = Math.max(pace.nextAt, now - 10) + 1000 / pace.perSecond;
    return true;
  }

  private rand(): number {
    return (this.opts.random ?? Math.random)();
  }

  /**
   * Decides the deliveries of fresh events (matching endpoints, chaos duplicates, drops, delays).
   * The caller persists the primary jobs with the events, then hands them to `start`.
   */
  plan(events: readonly Stripe.Event[]): Job[] {
    if (this.stopped || events.length === 0) return [];
    const endpoints = this.opts.endpoints().filter((e) => e.status === "enabled");
    const jobs: Job[] = [];
    for (const event of events) {
      let payload = "";
      for (const ep of endpoints) {
        if (!eventMatches(ep.enabled_events, event.type)) continue;
        payload ||= JSON.stringify(event, null, 2);
        const copies = this.rand() < this.chaos.duplicateRate ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          const job: Job = { event, payload, endpointId: ep.id, attempt: 1, delayMs: 0, persisted: c === 0 };
          if (this.chaos.dropRate > 0 && this.rand() < this.chaos.dropRate) {
            this.record(job, ep.url, null, false, "chaos: dropped for good", 0);
            this.counts.dropped++;
            continue;
          }
          job.delayMs = this.chaos.reorderWindowMs > 0 ? Math.floor(this.rand() * this.chaos.reorderWindowMs) : 0;
          jobs.push(job);
        }
      }
    }
    return jobs;
  }

  /** Queues planned (or restored) jobs. */
  start(jobs: readonly Job[]): void {
    if (this.stopped) return;
    for (const job of jobs) this.schedule(job, job.delayMs);
    this.pump();
  }

  /** Plans and starts at once (when nothing needs persisting first). */
  enqueue(events: readonly Stripe.Event[]): void {
    this.start(this.plan(events));
  }

  /** A job for an event whose delivery was pending when the stand-in stopped. */
  restore(event: Stripe.Event, endpointId: string): Job {
    return { event, payload: JSON.stringify(event, null, 2), endpointId, attempt: 1, delayMs: 0, persisted: true };
  }

  private finish(job: Job): void {
    if (job.persisted && !this.stopped) this.opts.onDone?.(job.event.id, job.endpointId);
  }

  private schedule(job: Job, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.push(job);
      return;
    }
    this.waiting++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.waiting--;
      this.ready.push(job);
      this.pump();
    }, delayMs);
    this.timers.add(t);
  }

  private pump(): void {
    while (
      !this.paused &&
      !this.stopped &&
      this.inFlight < (this.pace ? PACED_MAX_IN_FLIGHT : this.opts.concurrency) &&
      this.readyHead < this.ready.length &&
      this.paced()
    ) {
      const job = this.ready[this.readyHead++];
      if (!job) break;
      this.inFlight++;
      void this.attempt(job).finally(() => {
        this.inFlight--;
        this.pump();
        this.checkIdle();
      });
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    this.checkIdle();
  }

  private async attempt(job: Job): Promise<void> {
    const ep = this.opts.endpoint(job.endpointId);
    if (ep?.status !== "enabled") {
      this.finish(job); // endpoint deleted or disabled: nothing to deliver to
      return;
    }
    const secret = ep.secret ?? "";
    if (job.attempt === 1 && this.chaos.failFirstAttemptRate > 0 && this.rand() < this.chaos.failFirstAttemptRate) {
      this.record(job, ep.url, null, false, "chaos: first attempt failed on purpose", 0);
      this.retry(job, ep.url);
      return;
    }
    const started = performance.now();
    const result = await this.post(ep.url, job.payload, signWebhook(job.payload, secret));
    const latency = Math.round((performance.now() - started) * 100) / 100;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    this.record(job, ep.url, result.status, ok, result.error, latency);
    if (ok) {
      this.counts.delivered++;
      this.finish(job);
    } else this.retry(job, ep.url);
  }

  private retry(job: Job, url: string): void {
    const delay = this.opts.retrySchedule[job.attempt - 1];
    if (this.stopped) return; // still pending in Postgres: the next start resumes it
    if (delay === undefined) {
      this.counts.failed++;
      this.finish(job);
      this.opts.log?.(`webhook ${job.event.id} (${job.event.type}) to ${url} failed after ${job.attempt} attempt(s)`);
      return;
    }
    this.schedule({ ...job, attempt: job.attempt + 1 }, delay);
  }

  private post(url: string, body: string, signature: string): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (status: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        resolve({ status, error });
      };
      let req: http.ClientRequest;
      try {
        req = http.request(url, {
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(body),
            "stripe-signature": signature,
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            accept: "*/*; q=0.5, application/xml",
          },
          timeout: this.opts.timeoutMs,
        });
      } catch (e) {
        done(null, e instanceof Error ? e.message : String(e));
        return;
      }
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? null, null));
        res.on("error", (e) => done(res.statusCode ?? null, e.message));
      });
      req.on("timeout", () => {
        req.destroy(new Error(`timed out after ${this.opts.timeoutMs} ms`));
      });
      req.on("error", (e) => done(null, e.message));
      req.end(body);
    });
  }

  private record(job: Job, url: string, status: number | null, ok: boolean, error: string | null, latency: number) {
    this.counts.attempts++;
    this.log.push({
      event_id: job.event.id,
      type: job.event.type,
      endpoint_id: job.endpointId,
      url,
      attempt: job.attempt,
      status,
      ok,
      error,
      latency_ms: latency,
      at: new Date().toISOString(),
    });
    if (this.log.length > MAX_LOG) this.log = this.log.slice(-MAX_LOG / 2);
  }

  summary(): DeliverySummary {
    return {
      pending: this.ready.length - this.readyHead + this.waiting + this.inFlight,
      in_flight: this.inFlight,
      delivered: this.counts.delivered,
      failed: this.counts.failed,
      dropped: this.counts.dropped,
      attempts: this.counts.attempts,
      paused: this.paused,
    };
  }

  attempts(filter: { eventId?: string; limit?: number }): DeliveryAttempt[] {
    const rows = filter.eventId ? this.log.filter((a) => a.event_id === filter.eventId) : this.log;
    return filter.limit !== undefined ? rows.slice(-filter.limit) : rows;
  }

  /** Resolves once nothing is pending (or after `timeoutMs`); false on timeout. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.summary().pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || this.summary().pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.pump();
  }

  reset(): void {
    this.setRate(null);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ready = [];
    this.readyHead = 0;
    this.waiting = 0;
    this.log = [];
    this.counts = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };
    this.chaos = { duplicateRate: 0, reorderWindowMs: 0, failFirstAttemptRate: 0, dropRate: 0 };
    this.paused = false;
    this.checkIdle();
  }

  stop(): void {
    this.stopped = true;
    if (this.pace?.timer) clearTimeout(this.pace.timer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.agent.destroy();
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
  }
}
