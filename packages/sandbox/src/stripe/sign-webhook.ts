import { createHmac } from "node:crypto";

/** Stripe's signature header: `t=<unix>,v1=<hex HMAC-SHA256 keyed with the whole whsec_ string over "t.body">`. */
export function signWebhook(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}
