// The Resend stand-in: POST /emails as Resend's API answers it (key check, validation, per-team
// rate limit with its headers, Idempotency-Key), each accepted message dropped into the Supabase
// stand-in's mail inbox. Served by the Supabase stand-in under /resend (RESEND_API_URL =
// http://127.0.0.1:54321/resend). A sandbox control makes it fail, for the fault suite.
import { createHash, randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { bearer, readJsonObject, readText } from "../http/body.ts";
import { jsonResponse } from "../http/respond.ts";
import { SANDBOX_RESEND_API_KEY } from "../keys.ts";
import type { MailInbox } from "../supabase/mail-inbox.ts";
import { isResendError, type ResendError, validateEmail } from "./validate-email.ts";

class BodyTooLarge extends Error {}

/** Resend's default: 2 requests a second per team. */
export const RESEND_DEFAULT_PER_SECOND = 2;
/** How long Resend remembers an idempotency key. */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export interface ResendFaults {
  /** Share of POST /emails answered with `failStatus` instead of being accepted (0..1). */
  failureRate: number;
  /** 500 (application_error) or 429 (rate_limit_exceeded). */
  failStatus: 500 | 429;
}

export interface ResendSettings {
  /** Requests a second before 429 rate_limit_exceeded; 0 turns the limit off. */
  perSecond: number;
}

export interface ResendCounts {
  accepted: number;
  replayed: number;
  refused: number;
  failedByFault: number;
  rateLimited: number;
}

interface Remembered {
  hash: string;
  status: number;
  body: unknown;
  at: number;
}

export class ResendStandIn {
  readonly inbox: MailInbox;
  faults: ResendFaults = { failureRate: 0, failStatus: 500 };
  settings: ResendSettings = { perSecond: RESEND_DEFAULT_PER_SECOND };
  counts: ResendCounts = { accepted: 0, replayed: 0, refused: 0, failedByFault: 0, rateLimited: 0 };
  readonly #idempotency = new Map<string, Remembered>();
  readonly #inFlight = new Set<string>();
  #windowStart = 0;
  #windowCount = 0;

  constructor(inbox: MailInbox, random: () => number = Math.random) {
    this.inbox = inbox;
    this.#random = random;
  }

  readonly #random: () => number;

  /** Counts one request in the current one-second window; the rate-limit headers to answer with. */
  #takeRate(now: number): { ok: boolean; headers: Record<string, string> } {
    const limit = this.settings.perSecond;
    if (limit <= 0) return { ok: true, headers: {} };
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    const ok = this.#windowCount < limit;
    if (ok) this.#windowCount += 1;
    const reset = Math.max(1, Math.ceil((this.#windowStart + 1000 - now) / 1000));
    const headers: Record<string, string> = {
      "ratelimit-limit": String(limit),
      "ratelimit-remaining": String(Math.max(0, limit - this.#windowCount)),
      "ratelimit-reset": String(reset),
    };
    if (!ok) headers["retry-after"] = String(reset);
    return { ok, headers };
  }

  /** The HTTP API, mounted by the Supabase stand-in under `/resend`: `POST /emails` and two sandbox controls. */
  routes(): Hono {
    const fail = (e: ResendError) => jsonResponse(e.statusCode, e);
    return new Hono()
      .post("/_sandbox/faults", (c) => this.#setFaults(c))
      .get("/_sandbox/state", () =>
        jsonResponse(200, { faults: this.faults, settings: this.settings, counts: this.counts }),
      )
      .post("/emails", (c) => this.#send(c))
      .all("/emails", () =>
        fail({ statusCode: 405, name: "method_not_allowed", message: "Method is not allowed for the requested path." }),
      )
      .all("*", (c) =>
        fail({
          statusCode: 404,
          name: "not_found",
          message: `The sandbox's Resend stand-in serves POST /emails only, not ${c.req.method} ${c.req.path.replace(/^\/resend/, "")}.`,
        }),
      );
  }

  async #send(c: Context): Promise<Response> {
    const fail = (e: ResendError, headers: Record<string, string> = {}) => jsonResponse(e.statusCode, e, headers);
    const key = bearer(c.req.raw);
    if (!key)
      return fail({
        statusCode: 401,
        name: "missing_api_key",
        message: "Missing API key in the authorization header.",
      });
    if (key !== SANDBOX_RESEND_API_KEY) {
      return fail({ statusCode: 403, name: "invalid_api_key", message: "API key is invalid." });
    }
    const rate = this.#takeRate(Date.now());
    if (!rate.ok) {
      this.counts.rateLimited += 1;
      return fail(
        {
          statusCode: 429,
          name: "rate_limit_exceeded",
          message: `Too many requests. You can only make ${this.settings.perSecond} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`,
        },
        rate.headers,
      );
    }
    const idempotencyKey = c.req.header("idempotency-key");
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
      return fail(
        { statusCode: 400, name: "invalid_idempotency_key", message: "The key must be between 1-256 chars." },
        rate.headers,
      );
    }
    let raw: string;
    try {
      raw = await readText(c, () => new BodyTooLarge());
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        return fail(
          { statusCode: 413, name: "validation_error", message: "The request body is too large." },
          rate.headers,
        );
      }
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return fail(
        { statusCode: 422, name: "validation_error", message: "The request body must be valid JSON." },
        rate.headers,
      );
    }
    const hash = createHash("sha256").update(raw).digest("hex");
    if (idempotencyKey !== undefined) {
      const seen = this.#idempotency.get(idempotencyKey);
      if (seen && Date.now() - seen.at < IDEMPOTENCY_TTL_MS) {
        if (seen.hash !== hash) {
          return fail(
            {
              statusCode: 409,
              name: "invalid_idempotent_request",
              message: "Same idempotency key used with a different request payload.",
            },
            rate.headers,
          );
        }
        this.counts.replayed += 1;
        return jsonResponse(seen.status, seen.body, rate.headers);
      }
      if (this.#inFlight.has(idempotencyKey)) {
        return fail(
          {
            statusCode: 409,
            name: "concurrent_idempotent_requests",
            message: "Same idempotency key used while original request is still in progress.",
          },
          rate.headers,
        );
      }
    }
    if (this.faults.failureRate > 0 && this.#random() < this.faults.failureRate) {
      this.counts.failedByFault += 1;
      if (this.faults.failStatus === 429) {
        return fail(
          { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests (sandbox fault)." },
          { ...rate.headers, "retry-after": "1", "ratelimit-remaining": "0" },
        );
      }
      return fail({ statusCode: 500, name: "application_error", message: "Internal server error (sandbox fault)." });
    }
    const valid = validateEmail(parsed);
    if (isResendError(valid)) {
      this.counts.refused += 1;
      return fail(valid, rate.headers);
    }
    if (idempotencyKey !== undefined) this.#inFlight.add(idempotencyKey);
    try {
      const id = randomUUID();
      for (const to of valid.to) {
        this.inbox.add({
          to,
          from: valid.from,
          subject: valid.subject,
          ...(valid.html ? { html: valid.html } : {}),
          ...(valid.text ? { text: valid.text } : {}),
          ...(valid.replyTo ? { replyTo: valid.replyTo } : {}),
          ...(valid.tags ? { tags: valid.tags } : {}),
          ...(valid.headers ? { headers: valid.headers } : {}),
          resendId: id,
        });
      }
      this.counts.accepted += 1;
      const body = { id };
      if (idempotencyKey !== undefined)
        this.#idempotency.set(idempotencyKey, { hash, status: 200, body, at: Date.now() });
      return jsonResponse(200, body, rate.headers);
    } finally {
      if (idempotencyKey !== undefined) this.#inFlight.delete(idempotencyKey);
    }
  }

  async #setFaults(c: Context): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      body = await readJsonObject(c, { tooLarge: () => new BodyTooLarge(), invalid: () => new BodyTooLarge() });
    } catch {
      return jsonResponse(400, { statusCode: 400, name: "validation_error", message: "send a JSON object" });
    }
    const { failureRate, failStatus, perSecond } = body;
    if (failureRate !== undefined && (typeof failureRate !== "number" || failureRate < 0 || failureRate > 1)) {
      return jsonResponse(400, {
        statusCode: 400,
        name: "validation_error",
        message: "failureRate must be a number in [0, 1]",
      });
    }
    if (failStatus !== undefined && failStatus !== 500 && failStatus !== 429) {
      return jsonResponse(400, {
        statusCode: 400,
        name: "validation_error",
        message: "failStatus must be 500 or 429",
      });
    }
    if (perSecond !== undefined && (typeof perSecond !== "number" || perSecond < 0 || !Number.isInteger(perSecond))) {
      return jsonResponse(400, {
        statusCode: 400,
        name: "validation_error",
        message: "perSecond must be a whole number ≥ 0 (0: no limit)",
      });
    }
    if (typeof failureRate === "number") this.faults.failureRate = failureRate;
    if (failStatus === 500 || failStatus === 429) this.faults.failStatus = failStatus;
    if (typeof perSecond === "number") this.settings.perSecond = perSecond;
    return jsonResponse(200, { faults: this.faults, settings: this.settings, counts: this.counts });
  }
}
