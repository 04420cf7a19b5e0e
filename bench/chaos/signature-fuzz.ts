// Part 1: forged webhooks. Mutated bodies, headers and timestamps, wrong secrets, several v1
// values, huge and empty bodies, garbage headers. Nothing but a correctly signed body may pass.
import { createHmac, randomBytes } from "node:crypto";
import { type ChaosContext, eventPayload, percentile, pick, rng } from "./context.ts";
import { figure, partResult } from "./figures.ts";

interface Case {
  kind: string;
  body: string;
  signature: string | null;
  /** Correctly signed by the endpoint's secret: must be accepted (2xx) when the body is an event. */
  legit: boolean;
  /** Signed with the real secret but dated more than 300 s ahead: not a forgery, a replay window. */
  signedFuture?: boolean;
  /** Several t= values (the timestamp guard and stripe-node would read different ones): refused. */
  twoTimestamps?: boolean;
  contentType?: string;
}

const hmac = (secret: string, t: number, body: string, algo = "sha256") =>
  createHmac(algo, secret).update(`${t}.${body}`, "utf8").digest("hex");

function eventBody(r: () => number): string {
  const id = `evt_fuzz_${randomBytes(12).toString("hex")}`;
  return eventPayload(id, pick(r, ["charge.succeeded", "payment_intent.created", "balance.available"]), {
    id: `ch_${randomBytes(6).toString("hex")}`,
    object: "charge",
    amount: Math.floor(r() * 1e5),
  });
}

/**
 * A correctly signable event as big as real ones get: an invoice with many lines (the shape of
 * Stripe's invoice, its line items with parent, pricing and taxes), 16 KiB to a few hundred KiB.
 */
function largeInvoiceEvent(r: () => number): string {
  const hex = (n: number) => randomBytes(n).toString("hex");
  const invoice = `in_${hex(12)}`;
  const subscription = `sub_${hex(12)}`;
  const lines = 40 + Math.floor(r() * 160);
  const now = Math.floor(Date.now() / 1000);
  const data = Array.from({ length: lines }, (_, i) => ({
    id: `il_${hex(12)}`,
    object: "line_item",
    amount: 1000 + i,
    currency: "eur",
    description: `Remaining time on ${i + 1} × Pro after ${new Date(now * 1000).toUTCString()}`,
    discount_amounts: [{ amount: 100, discount: `di_${hex(12)}` }],
    discountable: true,
    discounts: [],
    invoice,
    livemode: false,
    metadata: { line: String(i), order: `ORD-${hex(6)}` },
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: `ii_${hex(12)}`,
        proration: true,
        proration_details: { credited_items: { invoice: `in_${hex(12)}`, invoice_line_items: [`il_${hex(12)}`] } },
        subscription,
        subscription_item: `si_${hex(12)}`,
      },
      type: "subscription_item_details",
    },
    period: { end: now + 30 * 86_400, start: now },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: `price_${hex(12)}`, product: `prod_${hex(8)}` },
      type: "price_details",
      unit_amount_decimal: "1000",
    },
    quantity: 1,
    subscription,
    subtotal: 1000 + i,
    taxes: [
      {
        amount: 200,
        tax_behavior: "exclusive",
        tax_rate_details: { tax_rate: `txr_${hex(12)}` },
        taxability_reason: "standard_rated",
        taxable_amount: 1000,
        type: "tax_rate_details",
      },
    ],
  }));
  // invoice.created is not routed: recorded and ignored, so the fuzz costs no Stripe call.
  return eventPayload(`evt_fuzz_${hex(12)}`, "invoice.created", {
    id: invoice,
    object: "invoice",
    customer: `cus_${hex(12)}`,
    currency: "eur",
    status: "draft",
    lines: { object: "list", data, has_more: false, url: `/v1/invoices/${invoice}/lines` },
    total: lines * 1000,
  });
}

function garbage(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

function mutate(r: () => number, body: string): string {
  const i = Math.floor(r() * body.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return `${body.slice(0, i)}${String.fromCharCode(33 + ((body.charCodeAt(i) + 1) % 90))}${body.slice(i + 1)}`;
    case 1:
      return `${body} `;
    case 2:
      return body.replace('"livemode":false', '"livemode":true');
    case 3:
      return body.replace(/"type":"[^"]+"/, '"type":"customer.subscription.deleted"');
    default:
      return body.slice(0, -1);
  }
}

/** One fuzz case, drawn from the seeded generator. */
function makeCase(r: () => number, secret: string, n: number): Case {
  const now = Math.floor(Date.now() / 1000);
  const body = eventBody(r);
  const good = hmac(secret, now, body);
  const bad = () => randomBytes(32).toString("hex");
  const kinds: Array<() => Case> = [
    () => ({ kind: "valid", body, signature: `t=${now},v1=${good}`, legit: true }),
    () => {
      const others = Array.from({ length: 1 + Math.floor(r() * 5) }, () => `v1=${bad()}`);
      others.splice(Math.floor(r() * (others.length + 1)), 0, `v1=${good}`);
      return { kind: "one_valid_v1_among_invalid", body, signature: `t=${now},${others.join(",")}`, legit: true };
    },
    () => ({ kind: "missing_header", body, signature: null, legit: false }),
    () => ({ kind: "empty_header", body, signature: "", legit: false }),
    () => ({ kind: "garbage_header", body, signature: garbage(r, 1 + Math.floor(r() * 300)), legit: false }),
    () => ({ kind: "mutated_body", body: mutate(r, body), signature: `t=${now},v1=${good}`, legit: false }),
    () => ({
      kind: "wrong_secret",
      body,
      signature: `t=${now},v1=${hmac(pick(r, ["whsec_wrong", `${secret}x`, secret.slice(6), ""]), now, body)}`,
      legit: false,
    }),
    () => {
      const t = now - 301 - Math.floor(r() * 1e6);
      return { kind: "stale_timestamp", body, signature: `t=${t},v1=${hmac(secret, t, body)}`, legit: false };
    },
    () => {
      const t = now + 301 + Math.floor(r() * 1e6);
      return {
        kind: "future_timestamp",
        body,
        signature: `t=${t},v1=${hmac(secret, t, body)}`,
        legit: false,
        signedFuture: true,
      };
    },
    () => ({ kind: "missing_timestamp", body, signature: `v1=${good}`, legit: false }),
    () => {
      const t = now + 301 + Math.floor(r() * 1e6);
      return {
        kind: "two_timestamps_future_signed",
        body,
        signature: `t=${now},t=${t},v1=${hmac(secret, t, body)}`,
        legit: false,
        twoTimestamps: true,
      };
    },
    () => ({
      kind: "two_timestamps_same",
      body,
      signature: `t=${now},v1=${good},t=${now}`,
      legit: false,
      twoTimestamps: true,
    }),
    () => {
      const big = largeInvoiceEvent(r);
      return { kind: "large_signed_event", body: big, signature: `t=${now},v1=${hmac(secret, now, big)}`, legit: true };
    },
    () => ({ kind: "timestamp_not_a_number", body, signature: `t=${garbage(r, 5)},v1=${good}`, legit: false }),
    () => ({ kind: "timestamp_swapped", body, signature: `t=${now - 1},v1=${good}`, legit: false }),
    () => ({ kind: "missing_v1", body, signature: `t=${now}`, legit: false }),
    () => ({ kind: "v0_only", body, signature: `t=${now},v0=${good}`, legit: false }),
    () => ({
      kind: "many_invalid_v1",
      body,
      signature: `t=${now},${Array.from({ length: 2 + Math.floor(r() * 30) }, () => `v1=${bad()}`).join(",")}`,
      legit: false,
    }),
    () => ({
      kind: "truncated_v1",
      body,
      signature: `t=${now},v1=${good.slice(0, 1 + Math.floor(r() * 63))}`,
      legit: false,
    }),
    () => ({
      kind: "other_hash",
      body,
      signature: `t=${now},v1=${hmac(secret, now, body, pick(r, ["sha1", "sha512", "md5"]))}`,
      legit: false,
    }),
    () => ({ kind: "unsigned_empty_body", body: "", signature: `t=${now},v1=${bad()}`, legit: false }),
    () => ({ kind: "signed_empty_body", body: "", signature: `t=${now},v1=${hmac(secret, now, "")}`, legit: false }),
    () => {
      const raw = pick(r, ["not json", "[]", "null", "{}", '{"id":"evt_1"}', "1e999", '"x"']);
      return { kind: "signed_non_event", body: raw, signature: `t=${now},v1=${hmac(secret, now, raw)}`, legit: false };
    },
    () => ({
      kind: "wrong_content_type",
      body,
      signature: `t=${now},v1=${bad()}`,
      legit: false,
      contentType: "text/plain",
    }),
    () => ({
      kind: "header_padding",
      body,
      signature: ` t=${now} , v1=${bad()} ,, v1=${garbage(r, 10)}, x=${garbage(r, 20)}`,
      legit: false,
    }),
  ];
  // Roughly 1 in 100 cases is a body over the 512 KiB limit (signed correctly, or not).
  if (n % 100 === 7) {
    const big = JSON.stringify({ id: "evt_big", pad: "x".repeat(520 * 1024 + Math.floor(r() * 4096)) });
    const signed = r() < 0.5;
    return {
      kind: "huge_body",
      body: big,
      signature: `t=${now},v1=${signed ? hmac(secret, now, big) : bad()}`,
      legit: false,
    };
  }
  return pick(r, kinds)();
}

export async function runSignatureFuzz(ctx: ChaosContext, opts: { count?: number; concurrency?: number } = {}) {
  const started = performance.now();
  const count = opts.count ?? (ctx.smoke ? 400 : 10_000);
  const concurrency = opts.concurrency ?? 16;
  const r = rng(0x5eed);
  const secret = ctx.stack.keys.webhook;
  const url = `${ctx.stack.urls.api}/api/stripe/webhook`;
  const tally = {
    forgeriesAccepted: 0,
    fiveXx: 0,
    legit: 0,
    legitRejected: 0,
    hugeNot413: 0,
    errors: 0,
    future: 0,
    futureAccepted: 0,
    twoT: 0,
    twoTAccepted: 0,
    largeLegit: 0,
  };
  const rejectionMs: number[] = [];
  const byKind = new Map<string, number>();
  const notes: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const c = makeCase(r, secret, i);
      byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
      const headers: Record<string, string> = { "content-type": c.contentType ?? "application/json" };
      if (c.signature !== null) headers["stripe-signature"] = c.signature;
      const t0 = performance.now();
      let status: number;
      try {
        const res = await fetch(url, { method: "POST", headers, body: c.body });
        await res.arrayBuffer();
        status = res.status;
      } catch (e) {
        tally.errors++;
        if (notes.length < 20) notes.push(`${c.kind}: request failed: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const elapsed = performance.now() - t0;
      if (status >= 500) {
        tally.fiveXx++;
        if (notes.length < 20) notes.push(`${c.kind}: answered ${status}`);
      }
      if (c.legit) {
        tally.legit++;
        if (c.kind === "large_signed_event") tally.largeLegit++;
        if (status !== 200) {
          tally.legitRejected++;
          if (notes.length < 20) notes.push(`${c.kind} (correctly signed) answered ${status}`);
        }
      } else if (c.twoTimestamps) {
        tally.twoT++;
        if (status >= 200 && status < 300) {
          tally.twoTAccepted++;
          if (notes.length < 20) notes.push(`TWO t= ACCEPTED: ${c.kind} header=${String(c.signature).slice(0, 120)}`);
        } else if (status >= 400 && status < 500) rejectionMs.push(elapsed);
      } else if (c.signedFuture) {
        tally.future++;
        if (status >= 200 && status < 300) tally.futureAccepted++;
        else if (status >= 400 && status < 500) rejectionMs.push(elapsed);
      } else {
        if (status >= 200 && status < 300) {
          tally.forgeriesAccepted++;
          if (notes.length < 20) notes.push(`FORGERY ACCEPTED: ${c.kind} header=${String(c.signature).slice(0, 120)}`);
        }
        if (status >= 400 && status < 500) rejectionMs.push(elapsed);
        if (c.kind === "huge_body" && status !== 413) tally.hugeNot413++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const result = partResult("signature-fuzz", started, notes, [
    figure("fuzz_requests", count, "requests"),
    figure("fuzz_case_kinds", byKind.size, "kinds"),
    figure("fuzz_accepted_forgeries", tally.forgeriesAccepted, "requests", { mustBeZero: true }),
    figure("fuzz_5xx", tally.fiveXx, "requests", { mustBeZero: true }),
    figure("fuzz_legitimate", tally.legit, "requests", {
      detail: "correctly signed, incl. one valid v1 among invalid",
    }),
    figure("fuzz_legitimate_rejected", tally.legitRejected, "requests", { mustBeZero: true }),
    figure("fuzz_future_signed_accepted", tally.futureAccepted, "requests", {
      detail: `of ${tally.future} correctly signed requests dated > 300 s ahead (not forgeries: they need the secret; a longer replay window)`,
    }),
    figure("fuzz_large_signed_events", tally.largeLegit, "requests", {
      detail: "correctly signed invoices of 40 to 200 lines (well over 16 KiB); counted in fuzz_legitimate",
    }),
    figure("fuzz_two_timestamps_accepted", tally.twoTAccepted, "requests", {
      mustBeZero: true,
      detail: `of ${tally.twoT} Stripe-Signature headers with two t= values`,
    }),
    figure("fuzz_huge_not_413", tally.hugeNot413, "requests", { mustBeZero: true }),
    figure("fuzz_transport_errors", tally.errors, "requests", { mustBeZero: true }),
    figure("fuzz_rejection_p50", percentile(rejectionMs, 50), "ms"),
    figure("fuzz_rejection_p99", percentile(rejectionMs, 99), "ms"),
  ]);
  return result;
}
