import { randomFillSync } from "node:crypto";

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// Random bytes drawn 4 KiB at a time: ids are made by the thousand per second.
const pool = Buffer.alloc(4096);
let at = pool.length;

function randomByte(): number {
  if (at >= pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  return pool[at++] ?? 0;
}

/** Stripe-looking ids: `cus_` + base62 characters (`cs_test_` for Checkout Sessions, like Stripe's test mode). */
export function newId(prefix: string, length = 24): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
    let b = randomByte();
    while (b >= 248) b = randomByte();
    out += alphabet[b % 62];
  }
  return `${prefix}_${out}`;
}
