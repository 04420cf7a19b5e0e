// The stand-ins' test controls over HTTP (fetch only: usable from Node, workerd and Playwright):
// the Stripe stand-in's `/_sandbox/…` (clock, deliveries, hosted-page actions) and a fault
// proxy's `/_fault`. Not Stripe, not Supabase: nothing here exists on the real services.
import type { FaultState } from "./fault-proxy.ts";

/** `GET` (no body) or `POST` (JSON body) to the Stripe stand-in's `/_sandbox/<path>`, as answered. */
export function sandboxRequest(stripeUrl: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${stripeUrl}/_sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The same, for its JSON answer; a non-2xx answer throws with its status and body. */
export async function sandboxControl(stripeUrl: string, path: string, body?: unknown): Promise<unknown> {
  const res = await sandboxRequest(stripeUrl, path, body);
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Tells the fault proxy at `faultUrl` how to fail (`{ down: false }` heals it). */
export async function setFault(faultUrl: string, state: Partial<FaultState>): Promise<void> {
  const res = await fetch(`${faultUrl}/_fault`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(state),
  });
  if (!res.ok) throw new Error(`fault ${faultUrl}: ${res.status}`);
}
