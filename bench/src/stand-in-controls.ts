// The Stripe stand-in's `/_sandbox/…` controls (JSON, no key) and its delivery log.
import type { DeliveryAttempt, DeliverySummary } from "@gatehouse/sandbox";

export async function control<T>(stripeUrl: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stripeUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export async function deliverySummary(stripeUrl: string): Promise<DeliverySummary> {
  return (await control<{ summary: DeliverySummary }>(stripeUrl, "/_sandbox/deliveries?summary=1")).summary;
}

/** The last `count` delivery attempts, oldest first. */
export async function lastAttempts(stripeUrl: string, count: number): Promise<DeliveryAttempt[]> {
  if (count <= 0) return [];
  const res = await control<{ attempts: DeliveryAttempt[] }>(stripeUrl, `/_sandbox/deliveries?limit=${count}`);
  return res.attempts;
}

/** Waits (bounded) until the stand-in has nothing pending; false on timeout. */
export async function waitForIdle(stripeUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const left = Math.min(30_000, deadline - Date.now());
    const res = await control<{ idle: boolean }>(stripeUrl, "/_sandbox/deliveries/wait", { timeoutMs: left });
    if (res.idle) return true;
  }
  return false;
}
